package dev.chatsync.benchmarks.storm;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The sweep's figures: every step, and per system the highest rate it sustained, chat-sync's over
 * the direct write's for each added latency. Appended to the storm's {@code report.md} as a section
 * of its own (replacing the one an earlier sweep wrote), with a plot of p99 against the offered rate.
 */
final class SweepReport {

    private static final String HEADING = "## Sweep: messages/s before POST p99 passes " + SweepSettings.P99_BOUND_MILLIS + " ms";
    private static final String PLOT = "sweep.png";

    private final String settings;
    private final double factor;
    private final List<List<StepResult>> sweeps = new ArrayList<>();

    SweepReport(String settings, double factor) {
        this.settings = settings;
        this.factor = factor;
    }

    void add(List<StepResult> steps) {
        if (!steps.isEmpty()) {
            sweeps.add(steps);
        }
    }

    /** Per system its highest sustained rate, then the ratio for each added latency. */
    List<String> summary() {
        List<String> lines = new ArrayList<>();
        for (List<StepResult> steps : sweeps) {
            lines.add(String.format(Locale.ROOT, "%s: %s; %s", steps.get(0).label(), best(steps).map(SweepReport::sustained)
                    .orElse("no step sustained"), ended(steps)));
        }
        byLatency().forEach((latency, ratio) -> lines.add(String.format(Locale.ROOT, "chat-sync / direct write at +%d ms: %s", latency, ratio)));
        return lines;
    }

    /** Appends the section to {@code report.md} in {@code directory} and writes the plot beside it; returns the files written. */
    List<Path> append(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path report = directory.resolve("report.md");
        String before = Files.exists(report) ? Files.readString(report) : "# Sync storm: chat-sync against the direct-write design\n";
        int earlier = before.indexOf("\n" + HEADING);
        StringBuilder md = new StringBuilder(earlier < 0 ? before : before.substring(0, earlier + 1));
        md.append('\n').append(HEADING).append("\n\n").append(settings).append("\n\n")
                .append("Each step: its rate held, then measured; latency from each POST's intended start; answered/s counts the answers "
                        + "that came while the step was measured. A step is sustained when it answered every POST and at least ")
                .append(Math.round(100 * SweepSettings.KEEP_UP_SHARE)).append(" % of the offered rate while it ran, none failed, p99 ≤ ")
                .append(SweepSettings.P99_BOUND_MILLIS).append(" ms and, for chat-sync, the persister stored at least that share "
                        + "of the events published while the step was measured, and everything within the step's measured length after it "
                        + "(the load stopped).\n\n")
                .append("| system | step | offered messages/s | answered/s | p50 | p99 | p99.9 | > ").append(SweepSettings.P99_BOUND_MILLIS)
                .append(" ms | failed | unanswered | 202 → readable p99 | persister stored | lag at the end | drained after | |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (List<StepResult> steps : sweeps) {
            for (StepResult step : steps) {
                boolean pipelined = step.lagAtEnd() >= 0;
                md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %s | %s | %s | %s | %d | %d | %s | %s | %s | %s | %s |\n",
                        step.label(), step.step(), step.offeredRate(), step.answeredRate(), StormReport.ms(step.p50()),
                        StormReport.ms(step.p99()), StormReport.ms(step.p999()), StormReport.percent(step.aboveBound()), step.failed(),
                        step.unanswered(), pipelined ? StormReport.ms(step.readableP99()) : "—",
                        pipelined ? StormReport.percent(step.storedShare()) : "—",
                        pipelined ? String.format(Locale.ROOT, "%,d", step.lagAtEnd()) : "—",
                        !pipelined ? "—" : Double.isNaN(step.drainSeconds()) ? "not" : String.format(Locale.ROOT, "%.1f s", step.drainSeconds()),
                        step.verdict().label));
            }
        }
        md.append("\n| system | highest messages/s sustained | its p99 | the sweep ended |\n|---|---:|---:|---|\n");
        for (List<StepResult> steps : sweeps) {
            Optional<StepResult> best = best(steps);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |\n", steps.get(0).label(),
                    best.map(step -> String.format(Locale.ROOT, "%.0f", step.answeredRate())).orElse("—"),
                    best.map(step -> StormReport.ms(step.p99())).orElse("—"), ended(steps)));
        }
        md.append('\n');
        byLatency().forEach((latency, ratio) -> md.append(String.format(Locale.ROOT, "chat-sync / direct write at +%d ms: %s\n\n", latency, ratio)));
        List<Path> written = new ArrayList<>();
        JFreeChart chart = chart();
        written.add(StormReport.save(chart, directory.resolve(PLOT)));
        md.append("![").append(chart.getTitle().getText()).append("](").append(PLOT).append(")\n");
        Files.writeString(report, md);
        written.add(0, report);
        return written;
    }

    /** The last step of those sustained before the first that was not. */
    private static Optional<StepResult> best(List<StepResult> steps) {
        StepResult best = null;
        for (StepResult step : steps) {
            if (!step.sustained()) {
                break;
            }
            best = step;
        }
        return Optional.ofNullable(best);
    }

    private static String sustained(StepResult step) {
        return String.format(Locale.ROOT, "%.0f messages/s sustained (step %d, p99 %s)", step.answeredRate(), step.step(), StormReport.ms(step.p99()));
    }

    private static String ended(List<StepResult> steps) {
        StepResult last = steps.get(steps.size() - 1);
        if (last.sustained()) {
            return String.format(Locale.ROOT, "every step sustained, up to %.0f/s: raise sweep.maxSteps", last.offeredRate());
        }
        return String.format(Locale.ROOT, "step %d, %.0f/s offered: %s", last.step(), last.offeredRate(), last.verdict().label);
    }

    /**
     * chat-sync's highest sustained rate over the direct write's, for each added latency both swept at;
     * to within a step either way, and a lower bound when chat-sync sustained every step.
     */
    private Map<Long, String> byLatency() {
        Map<Long, String> ratios = new LinkedHashMap<>();
        for (List<StepResult> chatSync : sweeps) {
            if (chatSync.get(0).kind() != StormSystem.Kind.CHAT_SYNC) {
                continue;
            }
            long latency = chatSync.get(0).addedLatencyMillis();
            for (List<StepResult> direct : sweeps) {
                if (direct.get(0).kind() != StormSystem.Kind.DIRECT_WRITE || direct.get(0).addedLatencyMillis() != latency) {
                    continue;
                }
                Optional<StepResult> mine = best(chatSync);
                Optional<StepResult> theirs = best(direct);
                String ratio;
                if (theirs.isEmpty() || mine.isEmpty()) {
                    ratio = "— (" + (mine.isEmpty() ? "chat-sync" : "the direct write") + " sustained no step)";
                } else if (direct.get(direct.size() - 1).sustained()) {
                    ratio = "— (the direct write sustained every step)";
                } else {
                    ratio = String.format(Locale.ROOT, "%s**%.2f×** (steps ×%.2f apart)", chatSync.get(chatSync.size() - 1).sustained() ? "≥ " : "",
                            mine.get().answeredRate() / theirs.get().answeredRate(), factor);
                }
                ratios.put(latency, ratio);
            }
        }
        return ratios;
    }

    private JFreeChart chart() {
        XYSeriesCollection data = new XYSeriesCollection();
        for (List<StepResult> steps : sweeps) {
            XYSeries series = new XYSeries(steps.get(0).label());
            for (StepResult step : steps) {
                if (!Double.isNaN(step.p99())) {
                    series.add(step.offeredRate(), step.p99());
                }
            }
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("POST p99 against the offered rate, one new message per POST", "offered messages/s",
                "p99 (ms)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainAxis(StormReport.logAxis("offered messages/s (log scale)"));
        LogAxis p99 = StormReport.logAxis("p99 (ms, log scale)");
        // the bound in sight even when every step stayed well below it; the bounds are NaN without any point
        double lowest = data.getRangeLowerBound(false);
        double highest = data.getRangeUpperBound(false);
        p99.setRange((Double.isNaN(lowest) ? SweepSettings.P99_BOUND_MILLIS : Math.min(lowest, SweepSettings.P99_BOUND_MILLIS)) / 2,
                (Double.isNaN(highest) ? SweepSettings.P99_BOUND_MILLIS : Math.max(highest, SweepSettings.P99_BOUND_MILLIS)) * 2);
        plot.setRangeAxis(p99);
        ValueMarker bound = new ValueMarker(SweepSettings.P99_BOUND_MILLIS, Color.DARK_GRAY,
                new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        bound.setLabel(SweepSettings.P99_BOUND_MILLIS + " ms");
        bound.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        bound.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        plot.addRangeMarker(bound);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < sweeps.size(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        return chart;
    }
}
