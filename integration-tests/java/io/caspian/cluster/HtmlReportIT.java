package io.caspian.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The demo report, from two synthetic runs (stock failing requests during a memcached outage, Caspian not): its
 * charts carry axes, the errors chart shows stock's failures, fault marks are listed, and it renders in headless
 * Chromium with both runs' lines visible, so that it cannot silently break.
 */
class HtmlReportIT {
  private static Scenario.Report run(String regionFactory, boolean failsDuringFault) {
    List<Timeline.Second> seconds = new ArrayList<>();
    for (int t = 0; t < 40; t++) {
      Timeline.Second s = new Timeline.Second();
      boolean fault = t >= 10 && t < 14;
      s.requests = 100;
      for (int r = 0; r < s.requests; r++) {
        s.addLatency((fault ? 400 : 5) * 1_000_000L + r * 100_000L);
      }
      s.errors = fault && failsDuringFault ? 30 : 0;
      s.hits = fault ? 5 : 60;
      s.misses = 40;
      seconds.add(s);
    }
    seconds.add(new Timeline.Second()); // the sampler's extra, empty second
    Timeline timeline = Timeline.of(seconds, List.of("10:memcached killed", "12:memcached back"));
    Workload.Result result = new Workload.Result(4000, 1000, 100, Map.of(), failsDuringFault ? 120 : 0, 0, null, 0,
        new long[0], 40, timeline);
    return new Scenario.Report(regionFactory, 3, "memcached-kill", result, null, 6, 6, 6);
  }

  @Test
  void theReportHasAxesErrorsAndListedFaultsAndRendersInChromium() throws Exception {
    List<Scenario.Report> reports = List.of(run("caspian", false), run("stock", true));
    String html = HtmlReport.html("report test", "table", reports);

    assertEquals(5, count(html, "<svg "), "throughput, errors, p50, p99, hit ratio");
    assertEquals(25, count(html, "class=\"ytick\""), "five y-axis ticks per chart");
    assertEquals(5 * 4, count(html, "class=\"xtick\""), "a time axis: 0, 10, 20, 30 s on each chart");
    assertTrue(html.contains("stock / memcached-kill: memcached killed at 10 s"), "fault events are listed");
    assertEquals(5 * 4, count(html, "<li "), "two marks for each of two runs, under each chart");
    String errors = html.substring(html.indexOf("<h2>Errors"), html.indexOf("<h2>Median"));
    assertTrue(errors.contains(">40/s</text>"), "the errors axis reaches stock's 30 failures/s: " + errors);
    String p99 = html.substring(html.indexOf("<h2>99th"), html.indexOf("<h2>Cache hit"));
    assertTrue(p99.contains(">600 ms</text>"), "the p99 axis covers the 410 ms outage latency: " + p99);

    Path dir = Files.createDirectories(Path.of("target", "report-it"));
    Path page = dir.resolve("report.html");
    Files.writeString(page, html);
    Path shot = dir.resolve("report.png");
    Files.deleteIfExists(shot);
    String chromium = chromium();
    Assumptions.assumeTrue(chromium != null, "no chromium: bin/ensure-prereqs installs it as root (apt chromium)");
    List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--disable-gpu", "--hide-scrollbars",
        "--screenshot=" + shot.toAbsolutePath(), "--window-size=900,1900", page.toAbsolutePath().toUri().toString()));
    if ("root".equals(System.getProperty("user.name"))) {
      command.add(1, "--no-sandbox");
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("chromium.log").toFile()).start();
    assertTrue(process.waitFor(90, TimeUnit.SECONDS), "chromium took over 90 s");
    assertTrue(Files.exists(shot), "chromium wrote no screenshot: " + Files.readString(dir.resolve("chromium.log")));
    BufferedImage image = ImageIO.read(shot.toFile());
    assertEquals(900, image.getWidth());
    assertTrue(pixels(image, 0x1f77b4) > 2000, "Caspian's lines are drawn: " + pixels(image, 0x1f77b4));
    assertTrue(pixels(image, 0xd62728) > 2000, "stock's lines are drawn: " + pixels(image, 0xd62728));
  }

  private static String chromium() {
    for (String candidate : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
      if (new File(candidate).canExecute()) {
        return candidate;
      }
    }
    return null;
  }

  private static int pixels(BufferedImage image, int rgb) {
    int count = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int p = image.getRGB(x, y) & 0xffffff;
        if (Math.abs((p >> 16) - (rgb >> 16)) < 24 && Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff)) < 24
            && Math.abs((p & 0xff) - (rgb & 0xff)) < 24) {
          count++;
        }
      }
    }
    return count;
  }

  private static int count(String text, String fragment) {
    Matcher m = Pattern.compile(Pattern.quote(fragment)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
