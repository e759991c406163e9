package io.github.vigil.examples.tradingdesk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The options the READMEs give the demo's Maven run ({@code mvn -q -pl examples -am package -DskipTests exec:exec
 * -Ddemo.seconds=N -Ddemo.state=DIR}) reach the demo's JVM: the exec plugin passes each on from the Maven property of
 * the same name, which has a default, rather than a fixed value the command line cannot change ({@code -Ddemo.state}
 * was ignored: the journal was still written to {@code examples/target/demo-state}).
 */
class DemoOptionsTest {

  @Test
  void theDocumentedOptionsArePassedOnFromTheMavenCommandLine() throws Exception {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    List<String> arguments = new ArrayList<>();
    NodeList nodes = pom.getElementsByTagName("argument");
    for (int i = 0; i < nodes.getLength(); i++) {
      arguments.add(nodes.item(i).getTextContent().trim());
    }
    Element properties = (Element) pom.getElementsByTagName("properties").item(0);
    for (String option : List.of("demo.seconds", "demo.state")) {
      assertThat(arguments).as("the exec plugin's arguments").contains("-D" + option + "=${" + option + "}");
      assertThat(properties.getElementsByTagName(option).getLength()).as("a default for " + option).isEqualTo(1);
    }
  }
}
