package org.berth.portal.volumes;

import static org.berth.portal.support.Accounts.PASSWORD;
import static org.berth.portal.support.Browserless.basic;
import static org.berth.portal.support.Browserless.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.berth.builder.GitServer;
import org.berth.imagecache.testing.TestRegistry;
import org.berth.portal.support.Accounts;
import org.berth.portal.support.Browserless;
import org.berth.portal.support.Engine;
import org.berth.portal.support.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Volumes for real: personal homes that outlive stops, recreations, new commits and deletes; shared
 * volumes between users and groups; read-only mounts that are read-only inside the container;
 * templated sub-paths; git seeds pulled without losing work; and every refusal. Real engine, real
 * PostgreSQL, a git server on loopback.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VolumesIT implements TestPropertyProvider {

  @RegisterExtension static final TestRegistry REGISTRY = new TestRegistry();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADMIN = Accounts.uniqueName("adm");

  @Inject EmbeddedServer portal;

  private final String instance = Engine.newInstance("vol");
  private final GitServer git = new GitServer();

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> p = TestDatabases.postgresWithLauncher(instance, REGISTRY);
    p.put("berth.sources.allow-hosts", "127.0.0.1");
    p.put("berth.admin.user", ADMIN);
    p.put("berth.admin.password", PASSWORD);
    p.put("berth.launch.max-servers-per-user", "10");
    return p;
  }

  @AfterAll
  void removeContainers() throws Exception {
    git.close();
    Engine.removeInstance(instance);
  }

  /** A new user's API token. */
  private String user(String prefix) {
    return token(Accounts.signedIn(new Browserless(portal.getURI()), prefix));
  }

  private String token(String user) {
    HttpResponse<String> t =
        new Browserless(portal.getURI())
            .json("POST", "/api/v1/tokens", "{\"name\":\"t\"}", basic(user, PASSWORD));
    return t.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
  }

  private String nameOf(String token) throws Exception {
    return JSON.readTree(api("GET", "/api/v1/me", null, token).body()).get("username").asText();
  }

  private HttpResponse<String> api(String method, String path, String body, String token) {
    return new Browserless(portal.getURI()).json(method, path, body, bearer(token));
  }

  private JsonNode launch(String name, String spec, String token) throws Exception {
    HttpResponse<String> r = api("PUT", "/api/v1/servers/" + name + "?confirm=true", spec, token);
    assertTrue(r.statusCode() == 201 || r.statusCode() == 200, r.statusCode() + " " + r.body());
    return JSON.readTree(r.body());
  }

  private static String container(JsonNode server) {
    String host = URI.create(server.get("url").asText()).getHost();
    return "berth-" + host.substring(0, host.indexOf('.'));
  }

  private static String exec(JsonNode server, String script) throws Exception {
    return Engine.docker("exec", container(server), "sh", "-c", script);
  }

  private static String execFails(JsonNode server, String script) throws Exception {
    Process p =
        new ProcessBuilder("docker", "exec", container(server), "sh", "-c", script)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertNotEquals(0, p.waitFor(), "expected a failure: " + out);
    return out;
  }

  private static String mounts(String... mounts) {
    return "{\"mounts\": [" + String.join(",", mounts) + "]}";
  }

  private static String mount(String target, String volume, String mode) {
    return "{\"target\":\""
        + target
        + "\",\"volume\":\""
        + volume
        + "\",\"mode\":\""
        + mode
        + "\"}";
  }

  @Test
  void workInTheHomeSurvivesStopStartRecreateANewCommitAndADeleteThatKeepsData() throws Exception {
    String token = user("home");
    Path files = Files.createTempDirectory("berth-home-repo");
    Files.writeString(files.resolve("README.md"), "# v1\n");
    String repo = git.create("home-" + System.nanoTime(), files);

    JsonNode lab = launch("lab", "{\"repo\":\"" + repo + "\",\"ref\":\"main\"}", token);
    exec(lab, "echo kept > /home/jovyan/work.txt");

    api("POST", "/api/v1/servers/lab/stop", null, token);
    JsonNode started = JSON.readTree(api("POST", "/api/v1/servers/lab/start", null, token).body());
    assertEquals("kept", exec(started, "cat /home/jovyan/work.txt"), "after a stop and start");

    git.commitFile(repo, "README.md", "# v2\n");
    JsonNode rebuilt = launch("lab", "{\"repo\":\"" + repo + "\",\"ref\":\"main\"}", token);
    assertNotEquals(lab.get("commit").asText(), rebuilt.get("commit").asText());
    assertEquals("kept", exec(rebuilt, "cat /home/jovyan/work.txt"), "after a new commit");
    assertEquals("# v2", exec(rebuilt, "cat /home/jovyan/README.md"));

    assertEquals(204, api("DELETE", "/api/v1/servers/lab", null, token).statusCode());
    JsonNode again = launch("lab", "{}", token);
    assertEquals("kept", exec(again, "cat /home/jovyan/work.txt"), "after delete, keeping data");

    String user = nameOf(token);
    JsonNode home = JSON.readTree(api("GET", "/api/v1/volumes/home", null, token).body());
    assertEquals("home", home.get("kind").asText());
    String volume =
        Engine.docker("volume", "ls", "-q", "--filter", "label=org.berth.owner=" + user);
    assertFalse(volume.isBlank(), "the home is a labelled Docker volume");
    assertEquals(
        204, api("DELETE", "/api/v1/servers/lab?deleteData=true", null, token).statusCode());
    assertEquals(
        "",
        Engine.docker("volume", "ls", "-q", "--filter", "name=^" + volume.strip() + "$"),
        "deleting with its data removes the home");
  }

  @Test
  void aSharedVolumeIsReadAndWrittenByItsMembersAndHiddenFromOthers() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    String carol = user("carol");
    String aliceName = nameOf(alice);
    assertEquals(201, api("POST", "/api/v1/volumes", "{\"name\":\"data\"}", alice).statusCode());
    HttpResponse<String> shared =
        api("PUT", "/api/v1/volumes/data/members/" + nameOf(bob), "{\"access\":\"rw\"}", alice);
    assertEquals(200, shared.statusCode(), shared.body());

    JsonNode a = launch("a", mounts(mount("/home/jovyan/data", "data", "rw")), alice);
    JsonNode b = launch("b", mounts(mount("/home/jovyan/data", aliceName + "/data", "rw")), bob);
    exec(a, "echo from-alice > /home/jovyan/data/a.txt");
    exec(b, "echo from-bob > /home/jovyan/data/b.txt");
    assertEquals("from-bob", exec(a, "cat /home/jovyan/data/b.txt"));
    assertEquals("from-alice", exec(b, "cat /home/jovyan/data/a.txt"));

    HttpResponse<String> refused =
        api(
            "PUT",
            "/api/v1/servers/c?confirm=true",
            mounts(mount("/home/jovyan/data", aliceName + "/data", "ro")),
            carol);
    assertEquals(403, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains(aliceName + "/data"), refused.body());
    assertEquals(
        "[]",
        api("GET", "/api/v1/volumes", null, carol)
            .body()
            .replaceAll("\\s", "")
            .replaceAll("\\{[^\\]]*home[^\\]]*\\}", ""));
    assertEquals(
        404, api("GET", "/api/v1/volumes/" + aliceName + "/data", null, carol).statusCode());

    HttpResponse<String> inUse = api("DELETE", "/api/v1/volumes/data", null, alice);
    assertEquals(409, inUse.statusCode(), inUse.body());
    assertTrue(inUse.body().contains(aliceName + "/a"), inUse.body());
  }

  @Test
  void aReadOnlyMountIsReadOnlyInsideTheServer() throws Exception {
    String owner = user("ro");
    String reader = user("rd");
    api("POST", "/api/v1/volumes", "{\"name\":\"course\"}", owner);
    api("PUT", "/api/v1/volumes/course/members/" + nameOf(reader), "{\"access\":\"ro\"}", owner);
    String ref = nameOf(owner) + "/course";

    HttpResponse<String> writable =
        api(
            "PUT",
            "/api/v1/servers/w?confirm=true",
            mounts(mount("/srv/course", ref, "rw")),
            reader);
    assertEquals(403, writable.statusCode(), writable.body());
    assertTrue(writable.body().contains("read-only"), writable.body());

    JsonNode s = launch("r", mounts(mount("/srv/course", ref, "ro")), reader);
    String out = execFails(s, "touch /srv/course/x");
    assertTrue(out.contains("Read-only file system"), out);
  }

  @Test
  void aGroupMemberMountsAVolumeSharedWithTheGroupUntilTheyLeaveIt() throws Exception {
    String owner = user("grp");
    String member = user("mem");
    String admin = token(ADMIN);
    String memberName = nameOf(member);
    String group = "physics-" + System.nanoTime();
    api("POST", "/api/v1/volumes", "{\"name\":\"labdata\"}", owner);
    api("PUT", "/api/v1/volumes/labdata/members/group:" + group, "{\"access\":\"ro\"}", owner);
    String spec = mounts(mount("/srv/lab", nameOf(owner) + "/labdata", "ro"));

    HttpResponse<String> set =
        api(
            "PUT",
            "/api/v1/admin/users/" + memberName + "/groups",
            "{\"groups\":[\"" + group + "\"]}",
            admin);
    assertEquals(200, set.statusCode(), set.body());
    JsonNode in = launch("g", spec, member);
    assertEquals("", exec(in, "ls /srv/lab"));
    api("POST", "/api/v1/servers/g/stop", null, member);

    api("PUT", "/api/v1/admin/users/" + memberName + "/groups", "{\"groups\":[]}", admin);
    HttpResponse<String> refused = api("POST", "/api/v1/servers/g/start", null, member);
    assertEquals(403, refused.statusCode(), refused.body());
    assertEquals(
        403,
        api("PUT", "/api/v1/admin/users/" + memberName + "/groups", "{\"groups\":[]}", member)
            .statusCode(),
        "only admins set groups");
  }

  @Test
  void studentsOfOneCourseSpecGetDirectoriesOfTheirOwn() throws Exception {
    String teacher = user("tch");
    String group = "course-" + System.nanoTime();
    api("POST", "/api/v1/volumes", "{\"name\":\"work\"}", teacher);
    api("PUT", "/api/v1/volumes/work/members/group:" + group, "{\"access\":\"rw\"}", teacher);
    String admin = token(ADMIN);
    String s1 = user("stu");
    String s2 = user("stu");
    for (String s : new String[] {s1, s2}) {
      api(
          "PUT",
          "/api/v1/admin/users/" + nameOf(s) + "/groups",
          "{\"groups\":[\"" + group + "\"]}",
          admin);
    }
    String spec =
        "{\"mounts\":[{\"target\":\"/home/jovyan/work\",\"volume\":\""
            + nameOf(teacher)
            + "/work\",\"subPath\":\"{username}/{server}\"}]}";
    JsonNode one = launch("course", spec, s1);
    JsonNode two = launch("course", spec, s2);
    exec(one, "echo one > /home/jovyan/work/mine.txt");
    exec(two, "echo two > /home/jovyan/work/mine.txt");
    assertEquals("one", exec(one, "cat /home/jovyan/work/mine.txt"));
    assertEquals("two", exec(two, "cat /home/jovyan/work/mine.txt"));

    JsonNode whole = launch("all", mounts(mount("/home/jovyan/all", "work", "ro")), teacher);
    String tree = exec(whole, "cd /home/jovyan/all && find . -name mine.txt");
    assertEquals(
        java.util.Set.of(
            "./" + nameOf(s1).replace("-", "_2d") + "/course/mine.txt",
            "./" + nameOf(s2).replace("-", "_2d") + "/course/mine.txt"),
        java.util.Set.of(tree.split("\n")));
  }

  @Test
  void aGitSeedIsPulledAtEachLaunchWithoutLosingTheUsersWork() throws Exception {
    String token = user("pull");
    Path files = Files.createTempDirectory("berth-seed-repo");
    Files.writeString(files.resolve("lesson.py"), "a = 1\nkeep\nb = 2\n");
    Files.writeString(files.resolve("data.txt"), "data v1\n");
    String repo = git.create("seed-" + System.nanoTime(), files);
    api("POST", "/api/v1/volumes", "{\"name\":\"lessons\"}", token);
    String spec =
        "{\"mounts\":[{\"target\":\"/home/jovyan/lessons\",\"volume\":\"lessons\",\"seedRepo\":\""
            + repo
            + "\",\"seedRef\":\"main\"}]}";

    JsonNode first = launch("study", spec, token);
    assertEquals("data v1", exec(first, "cat /home/jovyan/lessons/data.txt"));
    exec(
        first,
        "cd /home/jovyan/lessons && printf 'a = 1\\nkeep\\nb = 20\\n' > lesson.py && rm data.txt"
            + " && echo mine > new.txt");
    git.commitFile(repo, "lesson.py", "a = 10\nkeep\nb = 3\n");
    git.commitFile(repo, "new.txt", "theirs\n");
    api("POST", "/api/v1/servers/study/stop", null, token);

    JsonNode again = JSON.readTree(api("POST", "/api/v1/servers/study/start", null, token).body());
    assertEquals("a = 10\nkeep\nb = 20", exec(again, "cat /home/jovyan/lessons/lesson.py"));
    assertEquals("data v1", exec(again, "cat /home/jovyan/lessons/data.txt"), "deleted, restored");
    assertEquals("theirs", exec(again, "cat /home/jovyan/lessons/new.txt"));
    assertEquals("mine", exec(again, "cat /home/jovyan/lessons/new_1.txt"));
    assertEquals("1000", exec(again, "stat -c %u /home/jovyan/lessons/lesson.py"));
    String events = api("GET", "/api/v1/servers/study/events", null, token).body();
    assertTrue(events.contains("event: notice"), events);
    assertTrue(events.contains("lesson.py: upstream changed lines you had changed too"), events);
    assertTrue(
        events.contains("new.txt: you had a file of this name; it is kept as new_1.txt"), events);
  }

  @Test
  void everyBadMountIsRefusedWithAClearErrorAndLeavesNothing() throws Exception {
    String token = user("bad");
    api("POST", "/api/v1/volumes", "{\"name\":\"v\"}", token);
    Map<String, String> bad =
        Map.of(
            "/etc", "system",
            "/usr/local/x", "system",
            "relative/path", "absolute path",
            "/home/jovyan/../../etc", "'..'",
            "/proc", "system",
            "/var/run/docker", "system");
    int containersBefore = Engine.containersLabelled("org.berth.instance=" + instance).size();
    for (Map.Entry<String, String> b : bad.entrySet()) {
      HttpResponse<String> r =
          api("PUT", "/api/v1/servers/x?confirm=true", mounts(mount(b.getKey(), "v", "rw")), token);
      assertEquals(400, r.statusCode(), b.getKey() + ": " + r.body());
      assertTrue(r.body().contains(b.getValue()), b.getKey() + ": " + r.body());
    }
    HttpResponse<String> twice =
        api(
            "PUT",
            "/api/v1/servers/x",
            mounts(mount("/srv/a", "v", "rw"), mount("/srv/a", "v", "ro")),
            token);
    assertEquals(400, twice.statusCode(), twice.body());
    HttpResponse<String> unknown =
        api("PUT", "/api/v1/servers/x", mounts(mount("/srv/a", "nosuch", "rw")), token);
    assertEquals(403, unknown.statusCode(), unknown.body());
    HttpResponse<String> badSub =
        api(
            "PUT",
            "/api/v1/servers/x",
            "{\"mounts\":[{\"target\":\"/srv/a\",\"volume\":\"v\",\"subPath\":\"{password}\"}]}",
            token);
    assertEquals(400, badSub.statusCode(), badSub.body());
    assertEquals(404, api("GET", "/api/v1/servers/x", null, token).statusCode(), "no server made");
    assertEquals(
        containersBefore, Engine.containersLabelled("org.berth.instance=" + instance).size());
    assertEquals(
        400, api("POST", "/api/v1/volumes", "{\"name\":\"Bad Name!\"}", token).statusCode());
    assertEquals(409, api("POST", "/api/v1/volumes", "{\"name\":\"v\"}", token).statusCode());
  }
}
