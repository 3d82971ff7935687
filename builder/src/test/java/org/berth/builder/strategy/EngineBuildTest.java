package org.berth.builder.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.berth.builder.BuildResources;
import org.berth.imagecache.ImageRef;
import org.junit.jupiter.api.Test;

class EngineBuildTest {
  @Test
  void asksTheEngineForTheLimitsAndNetworkOfEveryStep() {
    EngineBuild build =
        new EngineBuild(
            null,
            "binder/Dockerfile",
            Map.of("NB_USER", "jovyan"),
            ImageRef.parse("127.0.0.1:5000/berth/x:abc"),
            Map.of("org.berth.built", "true"));
    String path = build.path(new BuildResources(1L << 30, 1.5, "berth-builds"));
    Map<String, String> q = new LinkedHashMap<>();
    for (String kv : path.substring(path.indexOf('?') + 1).split("&")) {
      String[] p = kv.split("=", 2);
      q.put(p[0], URLDecoder.decode(p[1], StandardCharsets.UTF_8));
    }
    assertEquals("/build", path.substring(0, path.indexOf('?')));
    assertEquals("127.0.0.1:5000/berth/x:abc", q.get("t"));
    assertEquals("binder/Dockerfile", q.get("dockerfile"));
    assertEquals("{\"NB_USER\":\"jovyan\"}", q.get("buildargs"));
    assertEquals("1073741824", q.get("memory"));
    assertEquals("1073741824", q.get("memswap"), "no swap on top of the memory limit");
    assertEquals("100000", q.get("cpuperiod"));
    assertEquals("150000", q.get("cpuquota"));
    assertEquals("berth-builds", q.get("networkmode"));
    assertEquals("0", q.get("pull"));
  }
}
