package io.caspian.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The demo's report: its result table and, per run, charts of throughput and hit ratio over time (inline SVG). */
final class HtmlReport {
  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

  private HtmlReport() {}

  static void write(Path file, String title, String table, List<Scenario.Report> reports) throws IOException {
    StringBuilder html = new StringBuilder();
    html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(escape(title))
        .append("</title><style>body{font-family:sans-serif;margin:2em}pre{background:#f4f4f4;padding:1em}"
            + "svg{border:1px solid #ccc;margin:0.5em 0}</style></head><body><h1>").append(escape(title))
        .append("</h1><p>Each run: application JVMs behind a round-robin balancer, one H2 database, a memcached pool, the"
            + " same mixed workload (reads by id, natural-id lookups, query-cache reads, collection reads, optimistic"
            + " increments, collection changes on five hot accounts). A stale read returned less than a write"
            + " acknowledged before it started; stale entries, lost updates and keys left locked are checked at"
            + " quiescence against the database. Dashed lines: fault events.</p><pre>").append(escape(table))
        .append("</pre>");
    html.append("<h2>Throughput (requests/s)</h2>")
        .append(chart(reports, s -> s.requests, false));
    html.append("<h2>Cache hit ratio (entity, collection, natural-id and query cache)</h2>")
        .append(chart(reports, s -> Double.isNaN(s.hitRatio()) ? 0 : 100 * s.hitRatio(), true));
    html.append("<p>");
    for (int i = 0; i < reports.size(); i++) {
      html.append("<span style=\"color:").append(COLOURS[i % COLOURS.length]).append("\">&#9632; ")
          .append(escape(reports.get(i).regionFactory() + " / " + reports.get(i).fault())).append("</span> &nbsp; ");
    }
    html.append("</p></body></html>\n");
    Files.createDirectories(file.getParent());
    Files.writeString(file, html, StandardCharsets.UTF_8);
  }

  private static String chart(List<Scenario.Report> reports, ToDoubleFunction<Timeline.Second> value,
      boolean percent) {
    int width = 720;
    int height = 240;
    int seconds = 1;
    double max = percent ? 100 : 1;
    for (Scenario.Report r : reports) {
      List<Timeline.Second> series = r.load().timeline().seconds();
      seconds = Math.max(seconds, series.size());
      for (Timeline.Second s : series) {
        max = Math.max(max, value.applyAsDouble(s));
      }
    }
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">"
            + "<text x=\"4\" y=\"12\" font-size=\"11\">%.0f%s</text><text x=\"4\" y=\"%d\" font-size=\"11\">0</text>"
            + "<text x=\"%d\" y=\"%d\" font-size=\"11\">%d s</text>",
        width, height, width, height, max, percent ? "%" : "/s", height - 4, width - 40, height - 4, seconds));
    for (int i = 0; i < reports.size(); i++) {
      Timeline timeline = reports.get(i).load().timeline();
      List<Timeline.Second> series = timeline.seconds();
      StringBuilder points = new StringBuilder();
      // the last second with requests is partial, and the sampler may have opened one more: leave them out
      int end = series.size();
      while (end > 0 && series.get(end - 1).requests == 0) {
        end--;
      }
      for (int t = 0; t < end - 1; t++) {
        double x = 30 + (width - 40) * (double) t / seconds;
        double y = height - 20 - (height - 40) * value.applyAsDouble(series.get(t)) / max;
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      String colour = COLOURS[i % COLOURS.length];
      svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"")
          .append(points).append("\"/>");
      List<String> marks = timeline.marks();
      for (int m = 0; m < marks.size(); m++) {
        String mark = marks.get(m);
        int t = Integer.parseInt(mark.split(":", 2)[0]);
        double x = 30 + (width - 40) * (double) t / seconds;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"20\" y2=\"%d\" stroke=\"%s\" "
            + "stroke-dasharray=\"4\"/><text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"%s\">%s</text>",
            x, x, height - 20, colour, x + 2, 30 + 12 * (i * marks.size() + m), colour,
            escape(mark.split(":", 2)[1])));
      }
    }
    return svg.append("</svg>").toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
