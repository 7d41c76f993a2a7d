"""The few words octavo itself prints (Contents, Notes, Figure, ...), in the article's language."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {"contents": "Contents", "notes": "Notes", "figure": "Figure", "table": "Table", "page": "p.",
           "back": "Back to reference", "cover": "Cover", "landmarks": "Landmarks"},
    "de": {"contents": "Inhalt", "notes": "Anmerkungen", "figure": "Abbildung", "table": "Tabelle", "page": "S.",
           "back": "Zurück zur Stelle", "cover": "Umschlag", "landmarks": "Orientierung"},
    "fr": {"contents": "Sommaire", "notes": "Notes", "figure": "Figure", "table": "Tableau", "page": "p.",
           "back": "Retour à l’appel de note", "cover": "Couverture", "landmarks": "Repères"},
    "es": {"contents": "Índice", "notes": "Notas", "figure": "Figura", "table": "Tabla", "page": "p.",
           "back": "Volver a la referencia", "cover": "Cubierta", "landmarks": "Puntos de referencia"},
    "it": {"contents": "Indice", "notes": "Note", "figure": "Figura", "table": "Tabella", "page": "p.",
           "back": "Torna al richiamo", "cover": "Copertina", "landmarks": "Punti di riferimento"},
    "pt": {"contents": "Sumário", "notes": "Notas", "figure": "Figura", "table": "Tabela", "page": "p.",
           "back": "Voltar à referência", "cover": "Capa", "landmarks": "Pontos de referência"},
    "nl": {"contents": "Inhoud", "notes": "Noten", "figure": "Figuur", "table": "Tabel", "page": "p.",
           "back": "Terug naar de verwijzing", "cover": "Omslag", "landmarks": "Oriëntatiepunten"},
    "no": {"contents": "Innhold", "notes": "Noter", "figure": "Figur", "table": "Tabell", "page": "s.",
           "back": "Tilbake til henvisningen", "cover": "Omslag", "landmarks": "Landemerker"},
    "ru": {"contents": "Содержание", "notes": "Примечания", "figure": "Рисунок", "table": "Таблица", "page": "с.",
           "back": "Вернуться к ссылке", "cover": "Обложка", "landmarks": "Ориентиры"},
    "uk": {"contents": "Зміст", "notes": "Примітки", "figure": "Рисунок", "table": "Таблиця", "page": "с.",
           "back": "Повернутися до посилання", "cover": "Обкладинка", "landmarks": "Орієнтири"},
    "el": {"contents": "Περιεχόμενα", "notes": "Σημειώσεις", "figure": "Εικόνα", "table": "Πίνακας", "page": "σ.",
           "back": "Επιστροφή στην παραπομπή", "cover": "Εξώφυλλο", "landmarks": "Ορόσημα"},
}  # fmt: skip
ALIASES = {"nb": "no", "nn": "no"}


def labels_for(language: str) -> dict[str, str]:
    """The labels for a BCP 47 tag, by its primary language; English when octavo has none."""
    primary = language.split("-")[0].lower()
    return LABELS.get(ALIASES.get(primary, primary), LABELS["en"])
