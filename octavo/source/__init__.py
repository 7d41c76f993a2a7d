"""Reading the source: YAML into located nodes, shapes, octavo.toml, blocks, articles and books."""
