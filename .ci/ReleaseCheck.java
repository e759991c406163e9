import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks a file repository that `mvn -Prelease deploy -DaltDeploymentRepository=local::file:DIR` filled
 * (run by .ci/release-check) against the reactor's effective POMs (help:effective-pom of the same run).
 *
 * <p>Nothing here names a module: the modules are the reactor's, and a module is published unless its
 * effective maven.deploy.skip says otherwise. For every published module: a POM whose effective model has
 * the metadata Maven Central requires (name, description, url, licence, scm, developers) plus issue
 * management, whose parent, if any, is published too; for a jar module also the jar, the sources jar
 * and the javadoc jar, each with content. Nothing else may be in the repository: no test jar, no
 * module that sets maven.deploy.skip, no other classifier. Every BOM (artifactId ending in -bom) must
 * manage exactly the published jar modules at the reactor's version.
 *
 * <p>Run: java .ci/ReleaseCheck.java STAGING_DIR EFFECTIVE_POMS_XML. Exit status 1 lists every failure.
 */
public class ReleaseCheck {

  record Project(String groupId, String artifactId, String version, String packaging, boolean published,
                 Element model) {
    String key() { return groupId + ":" + artifactId; }
    Path dir(Path repo) { return repo.resolve(groupId.replace('.', '/')).resolve(artifactId); }
    boolean isPom() { return packaging.equals("pom"); }
    String mainExtension() { return packaging.equals("war") ? "war" : "jar"; }
  }

  static final Pattern CHECKSUM = Pattern.compile("\\.(md5|sha1|sha256|sha512)$");
  static final List<String> errors = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: java ReleaseCheck.java STAGING_DIR EFFECTIVE_POMS_XML");
      System.exit(2);
    }
    Path repo = Path.of(args[0]);
    if (!Files.isRegularFile(Path.of(args[1]))) {
      System.out.println("Release check FAILED: no effective POMs at " + args[1] + " (did the deploy run fail?)");
      System.exit(1);
    }
    List<Project> projects = readProjects(Path.of(args[1]));
    if (!Files.isDirectory(repo)) {
      fail("no staging repository at " + repo);
    }
    if (projects.stream().noneMatch(p -> p.published() && !p.isPom())) {
      fail("the reactor publishes no jar module: nothing was checked");
    }

    Map<String, Project> byDir = new LinkedHashMap<>();
    projects.forEach(p -> byDir.put(repo.relativize(p.dir(repo)).toString(), p));
    Map<Project, Set<String>> found = new LinkedHashMap<>();
    Map<Project, List<Path>> files = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.isDirectory(repo) ? Files.walk(repo) : Stream.empty()) {
      for (Path file : walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
        classify(repo, file, byDir, found, files);
      }
    }

    System.out.println("Published modules (" + repo + "):");
    for (Project p : projects) {
      Set<String> have = found.getOrDefault(p, Set.of());
      if (!p.published()) {
        if (!have.isEmpty()) {
          fail(p.key() + " sets maven.deploy.skip but was deployed: " + have);
        }
        System.out.printf("  %-40s not published (maven.deploy.skip)%n", p.artifactId());
        continue;
      }
      Set<String> expected = new TreeSet<>(List.of("pom"));
      if (!p.isPom()) {
        expected.addAll(List.of(p.mainExtension(), "sources.jar", "javadoc.jar"));
      }
      for (String missing : difference(expected, have)) {
        fail(p.key() + ": no " + missing + " was deployed");
      }
      for (String extra : difference(have, expected)) {
        fail(p.key() + ": " + extra + " was deployed, and nothing but " + expected + " may be");
      }
      checkMetadata(p);
      checkContent(p, files.getOrDefault(p, List.of()), repo, byDir);
      System.out.printf("  %-40s %s%n", p.artifactId(), have);
    }
    for (Project bom : projects) {
      if (bom.published() && bom.artifactId().endsWith("-bom")) {
        checkBom(bom, projects);
      }
    }

    if (errors.isEmpty()) {
      System.out.println("Release check passed: every published module has its POM with Central's metadata"
          + ", jar, sources and javadoc; nothing else was deployed.");
    } else {
      System.out.println("Release check FAILED:");
      errors.forEach(e -> System.out.println("  - " + e));
      System.exit(1);
    }
  }

  /** One deployed file: which module, and which of its artifacts ("pom", "jar", "sources.jar", ...). */
  static void classify(Path repo, Path file, Map<String, Project> byDir, Map<Project, Set<String>> found,
                       Map<Project, List<Path>> files) {
    Path rel = repo.relativize(file);
    String name = CHECKSUM.matcher(file.getFileName().toString()).replaceFirst("");
    if (name.endsWith(".asc")) {
      name = name.substring(0, name.length() - 4);           // a signature of what it signs
    }
    // .../artifactId/maven-metadata.xml or .../artifactId/version/file
    Project p = rel.getParent() == null ? null : byDir.get(rel.getParent().toString());
    if (p != null && name.equals("maven-metadata.xml")) {
      return;
    }
    if (p == null && rel.getNameCount() >= 3) {
      p = byDir.get(rel.getParent().getParent().toString());
      if (p != null && !rel.getParent().getFileName().toString().equals(p.version())) {
        fail(rel + ": a version other than the reactor's " + p.version() + " was deployed");
        return;
      }
    }
    if (p == null) {
      fail(rel + " was deployed, but no module of the reactor has these coordinates");
      return;
    }
    if (name.equals("maven-metadata.xml")) {
      return;
    }
    String version = p.version().endsWith("-SNAPSHOT")
        ? Pattern.quote(p.version().substring(0, p.version().length() - "SNAPSHOT".length()))
            + "(?:SNAPSHOT|\\d{8}\\.\\d{6}-\\d+)"
        : Pattern.quote(p.version());
    Matcher m = Pattern.compile(Pattern.quote(p.artifactId() + "-") + version + "(?:-(.+))?\\.([^.]+)")
        .matcher(name);
    if (!m.matches()) {
      fail(rel + " was deployed under " + p.key() + " but is not one of its artifacts");
      return;
    }
    String artifact = m.group(1) == null ? m.group(2) : m.group(1) + "." + m.group(2);
    boolean signatureOrChecksum = !name.equals(file.getFileName().toString());
    if (!signatureOrChecksum) {                                // an artifact counts by its own file only
      found.computeIfAbsent(p, k -> new TreeSet<>()).add(artifact);
      files.computeIfAbsent(p, k -> new ArrayList<>()).add(file);
    } else if (!Files.exists(file.resolveSibling(name))) {
      fail(rel + " was deployed without the file it belongs to (" + name + ")");
    }
  }

  /** What Central requires of a POM (with its parent's), and an issue tracker. */
  static void checkMetadata(Project p) {
    Element m = p.model();
    List<String> missing = new ArrayList<>();
    for (String field : List.of("name", "description", "url")) {
      if (text(m, field).isBlank()) {
        missing.add(field);
      }
    }
    Element license = first(child(m, "licenses"), "license");
    if (license == null || text(license, "name").isBlank() || text(license, "url").isBlank()) {
      missing.add("licenses/license (name and url)");
    }
    Element scm = child(m, "scm");
    if (scm == null || text(scm, "url").isBlank() || text(scm, "connection").isBlank()) {
      missing.add("scm (url and connection)");
    }
    Element developer = first(child(m, "developers"), "developer");
    if (developer == null || (text(developer, "name").isBlank() && text(developer, "id").isBlank())) {
      missing.add("developers/developer (name or id)");
    }
    Element issues = child(m, "issueManagement");
    if (issues == null || text(issues, "url").isBlank()) {
      missing.add("issueManagement/url");
    }
    if (!missing.isEmpty()) {
      fail(p.key() + ": the POM lacks " + String.join(", ", missing)
          + " (inherit them from the root pom: do not override with blanks)");
    }
  }

  /** Each deployed file holds what its name says; a deployed POM's parent is published too. */
  static void checkContent(Project p, List<Path> deployed, Path repo, Map<String, Project> byDir)
      throws Exception {
    for (Path file : deployed) {
      String name = file.getFileName().toString();
      if (name.endsWith(".pom")) {
        Element pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile())
            .getDocumentElement();
        Element parent = child(pom, "parent");
        if (parent != null) {
          Project parentProject = byDir.get(
              text(parent, "groupId").replace('.', '/') + "/" + text(parent, "artifactId"));
          if (parentProject == null || !parentProject.published()) {
            fail(p.key() + ": its POM names parent " + text(parent, "groupId") + ":"
                + text(parent, "artifactId") + ", which is not published");
          }
        }
        continue;
      }
      List<String> entries = new ArrayList<>();
      try (ZipFile zip = new ZipFile(file.toFile())) {
        zip.stream().map(ZipEntry::getName).forEach(entries::add);
      } catch (IOException e) {
        fail(repo.relativize(file) + " is not a readable jar: " + e.getMessage());
        continue;
      }
      if (name.endsWith("-sources.jar")) {
        require(entries.stream().anyMatch(e -> e.endsWith(".java")), file, repo, "no .java file");
      } else if (name.endsWith("-javadoc.jar")) {
        require(entries.contains("index.html"), file, repo, "no index.html");
      } else {
        require(entries.stream().anyMatch(e -> !e.startsWith("META-INF/")), file, repo, "nothing but META-INF");
        // issue #19: module path users `requires` the module by this name (core/README "Modules and the module
        // path"); an application jar (Main-Class: the CLI, its dependencies inside) is no module to require
        String moduleName = manifestAttribute(file, "Automatic-Module-Name");
        require(!manifestAttribute(file, "Main-Class").isEmpty() ? moduleName.isEmpty()
            : moduleName.matches("io\\.github\\.vigil(\\.[a-z][a-z0-9]*)*"), file, repo,
            "a library jar needs an Automatic-Module-Name io.github.vigil[.name] (vigil.module.name in its pom), "
                + "an application jar (Main-Class) none; it has '" + moduleName + "'");
      }
    }
  }

  /** A main attribute of the jar's manifest, or "" when it has none. */
  static String manifestAttribute(Path jar, String attribute) {
    try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
      java.util.jar.Manifest manifest = j.getManifest();
      String value = manifest == null ? null : manifest.getMainAttributes().getValue(attribute);
      return value == null ? "" : value;
    } catch (IOException e) {
      return "";
    }
  }

  /** A BOM manages every published jar module, at the reactor's version, and nothing unpublished. */
  static void checkBom(Project bom, List<Project> projects) {
    Map<String, String> managed = new TreeMap<>();
    Element dm = child(child(bom.model(), "dependencyManagement"), "dependencies");
    for (Element d : children(dm, "dependency")) {
      managed.put(text(d, "groupId") + ":" + text(d, "artifactId"), text(d, "version"));
    }
    for (Project p : projects) {
      if (p.isPom() || p == bom) {
        continue;
      }
      String version = managed.get(p.key());
      if (p.published() && version == null) {
        fail(bom.key() + " does not manage the published module " + p.key()
            + ": add it to " + bom.artifactId() + "'s pom.xml (a <dependency> with <version>${project.version}</version>)");
      } else if (p.published() && !version.equals(p.version())) {
        fail(bom.key() + " manages " + p.key() + " at " + version + ", the reactor builds " + p.version());
      } else if (!p.published() && version != null) {
        fail(bom.key() + " manages " + p.key() + ", which is not published (maven.deploy.skip)");
      }
    }
  }

  static List<Project> readProjects(Path effectivePoms) throws Exception {
    Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(effectivePoms.toFile())
        .getDocumentElement();
    List<Element> models = root.getTagName().equals("projects") ? children(root, "project") : List.of(root);
    List<Project> projects = new ArrayList<>();
    for (Element m : models) {
      String version = text(m, "version");
      String skip = text(child(m, "properties"), "maven.deploy.skip").trim();
      boolean skipped = skip.equalsIgnoreCase("true")
          || (skip.equals("releases") && !version.endsWith("-SNAPSHOT"))
          || (skip.equals("snapshots") && version.endsWith("-SNAPSHOT"));
      String packaging = text(m, "packaging");
      projects.add(new Project(text(m, "groupId"), text(m, "artifactId"), version,
          packaging.isBlank() ? "jar" : packaging, !skipped, m));
    }
    if (projects.isEmpty()) {
      fail("no project in " + effectivePoms);
    }
    return projects;
  }

  static void require(boolean ok, Path file, Path repo, String problem) {
    if (!ok) {
      fail(repo.relativize(file) + ": " + problem);
    }
  }

  static Set<String> difference(Set<String> a, Set<String> b) {
    Set<String> d = new TreeSet<>(a);
    d.removeAll(b);
    return d;
  }

  static void fail(String message) {
    errors.add(message);
  }

  static Element child(Element parent, String name) {
    List<Element> c = children(parent, name);
    return c.isEmpty() ? null : c.get(0);
  }

  static Element first(Element parent, String name) {
    return child(parent, name);
  }

  static List<Element> children(Element parent, String name) {
    List<Element> result = new ArrayList<>();
    if (parent == null) {
      return result;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && (e.getTagName().equals(name) || name.equals(e.getLocalName()))) {
        result.add(e);
      }
    }
    return result;
  }

  static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? "" : e.getTextContent().trim();
  }
}
