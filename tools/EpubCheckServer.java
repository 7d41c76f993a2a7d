// EPUBCheck for many files in one JVM: the tests' checks without a JVM start-up (about 3 s) for each EPUB.
// Usage: java -cp epubcheck.jar tools/EpubCheckServer.java   (Java 11 or later runs a source file directly)
// Reads one request a line on standard input: EPUBCheck's own arguments, separated by tabs. Runs EPUBCheck's
// command line on them, exactly as `java -jar epubcheck.jar ARGS` would,
// and answers one line on standard output: its exit status.
import com.adobe.epubcheck.tool.EpubChecker;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

public class EpubCheckServer {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream answers = System.out;
    // EPUBCheck's console messages go to standard error, so that standard output carries only the answers.
    System.setOut(System.err);
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isEmpty()) continue;
      String[] arguments = line.split("\t");
      int status;
      try {
        status = new EpubChecker().run(arguments);  // a fresh checker each time: no state is carried over
      } catch (Throwable error) {
        error.printStackTrace();
        status = 99;
      }
      answers.println(status);
      answers.flush();
    }
  }
}
