package io.caspian.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The demo's report: its result table and, per run, charts over time (inline SVG) of throughput, errors, median and
 * 99th-percentile latency and hit ratio, with y-axis ticks, a time axis, and the fault events numbered on the charts
 * and listed under them (labels drawn on the chart overlapped when several runs had faults at the same second).
 */
final class HtmlReport {
  static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
  private static final int WIDTH = 760;
  private static final int HEIGHT = 220;
  private static final int LEFT = 56;
  private static final int RIGHT = 16;
  private static final int TOP = 14;
  private static final int BOTTOM = 28;

  private HtmlReport() {}

  static void write(Path file, String title, String table, List<Scenario.Report> reports) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, html(title, table, reports), StandardCharsets.UTF_8);
  }

  static String html(String title, String table, List<Scenario.Report> reports) {
    StringBuilder html = new StringBuilder();
    html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(escape(title))
        .append("</title><style>body{font-family:sans-serif;margin:2em}pre{background:#f4f4f4;padding:1em}"
            + "svg{border:1px solid #ccc;margin:0.3em 0}ol.marks{font-size:0.85em;margin-top:0}</style></head><body><h1>")
        .append(escape(title))
        .append("</h1><p>Each run: application JVMs behind a round-robin balancer, one H2 database, a memcached pool, the"
            + " same mixed workload (reads by id, natural-id lookups, query-cache reads, collection reads, optimistic"
            + " increments, collection changes on five hot accounts). A stale read returned less than a write"
            + " acknowledged before it started; stale entries, lost updates and keys left locked are checked at"
            + " quiescence against the database. Numbered dashed lines: fault events, listed under each chart.</p><pre>")
        .append(escape(table)).append("</pre><p>");
    for (int i = 0; i < reports.size(); i++) {
      html.append("<span style=\"color:").append(colour(reports, i)).append("\">&#9632; ")
          .append(escape(label(reports.get(i)))).append("</span> &nbsp; ");
    }
    html.append("</p>");
    chart(html, "Throughput (requests/s)", reports, s -> s.requests, "/s");
    chart(html, "Errors (failed requests/s: what the application's users saw)", reports, s -> s.errors, "/s");
    chart(html, "Median latency (ms)", reports, s -> s.percentileMillis(50), " ms");
    chart(html, "99th percentile latency (ms)", reports, s -> s.percentileMillis(99), " ms");
    chart(html, "Cache hit ratio (entity, collection, natural-id and query cache)", reports,
        s -> Double.isNaN(s.hitRatio()) ? 0 : 100 * s.hitRatio(), "%");
    return html.append("</body></html>\n").toString();
  }

  /** Caspian blue, stock red in every report, whatever the order of the runs. */
  private static String colour(List<Scenario.Report> reports, int index) {
    String cache = reports.get(index).regionFactory();
    return cache.startsWith("caspian") ? COLOURS[0] : cache.startsWith("stock") ? COLOURS[1]
        : COLOURS[2 + index % 2];
  }

  private static String label(Scenario.Report report) {
    return report.regionFactory() + " / " + report.fault();
  }

  private static void chart(StringBuilder html, String title, List<Scenario.Report> reports,
      ToDoubleFunction<Timeline.Second> value, String unit) {
    int seconds = 1;
    double max = 0;
    List<List<Timeline.Second>> drawn = new ArrayList<>();
    for (Scenario.Report r : reports) {
      List<Timeline.Second> series = complete(r.load().timeline().seconds());
      drawn.add(series);
      seconds = Math.max(seconds, series.size());
      for (Timeline.Second s : series) {
        max = Math.max(max, value.applyAsDouble(s));
      }
    }
    double top = unit.equals("%") ? 100 : niceCeiling(max);
    int plotWidth = WIDTH - LEFT - RIGHT;
    int plotHeight = HEIGHT - TOP - BOTTOM;
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<h2>%s</h2><svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\""
            + " font-size=\"11\">", escape(title), WIDTH, HEIGHT, WIDTH, HEIGHT));
    for (int tick = 0; tick <= 4; tick++) {
      double v = top * tick / 4;
      double y = TOP + plotHeight - plotHeight * tick / 4.0;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>"
          + "<text class=\"ytick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s%s</text>", LEFT, WIDTH - RIGHT, y, y,
          LEFT - 4, y + 4, format(v), unit));
    }
    int step = seconds <= 30 ? 5 : seconds <= 120 ? 10 : 30;
    for (int t = 0; t <= seconds; t += step) {
      double x = LEFT + plotWidth * (double) t / seconds;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#999\"/>"
          + "<text class=\"xtick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d s</text>", x, x, TOP + plotHeight,
          TOP + plotHeight + 4, x, HEIGHT - 8, t));
    }
    List<String> legend = new ArrayList<>();
    for (int i = 0; i < reports.size(); i++) {
      Timeline timeline = reports.get(i).load().timeline();
      List<Timeline.Second> series = drawn.get(i);
      String colour = colour(reports, i);
      StringBuilder points = new StringBuilder();
      for (int t = 0; t < series.size(); t++) {
        double x = LEFT + plotWidth * (double) t / seconds;
        double y = TOP + plotHeight - plotHeight * Math.min(1, value.applyAsDouble(series.get(t)) / top);
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      svg.append("<polyline class=\"series\" fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour)
          .append("\" points=\"").append(points).append("\"/>");
      for (String mark : timeline.marks()) {
        int t = Integer.parseInt(mark.split(":", 2)[0]);
        int number = legend.size() + 1;
        double x = LEFT + plotWidth * (double) t / seconds;
        // numbers stacked down the line by run, so that marks of several runs at one second stay apart
        double y = TOP + 10 + 13 * i;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" "
            + "stroke-dasharray=\"4\"/><text class=\"mark\" x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%d</text>", x, x, TOP,
            TOP + plotHeight, colour, x + 3, y, colour, number));
        legend.add("<li style=\"color:" + colour + "\">" + escape(label(reports.get(i))) + ": "
            + escape(mark.split(":", 2)[1]) + " at " + t + " s</li>");
      }
    }
    svg.append("</svg>");
    html.append(svg);
    if (!legend.isEmpty()) {
      html.append("<ol class=\"marks\">").append(String.join("", legend)).append("</ol>");
    }
  }

  /** The seconds to draw: the last one with requests is partial, and the sampler may have opened one more. */
  private static List<Timeline.Second> complete(List<Timeline.Second> series) {
    int end = series.size();
    while (end > 0 && series.get(end - 1).requests == 0) {
      end--;
    }
    return series.subList(0, Math.max(0, end - 1));
  }

  /** 1, 2, 4, 6 or 8 times a power of ten, at least {@code max} (and at least 1): quarters stay round numbers. */
  static double niceCeiling(double max) {
    if (max <= 1) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(max)));
    for (double m : new double[] {1, 2, 4, 6, 8, 10}) {
      if (m * power >= max) {
        return m * power;
      }
    }
    return 10 * power;
  }

  private static String format(double v) {
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
