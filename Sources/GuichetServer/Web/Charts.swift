import Foundation

/// SVG charts drawn in Swift: no JavaScript, testable as strings, and they print to PDF.
enum Charts {
    /// One row of a horizontal bar chart: the value as a bar, and optional reference marks.
    struct Bar: Sendable {
        var label: String
        var value: Double
        /// Category mean: drawn as a dark tick.
        var mean: Double?
        /// Category best: drawn as a hollow diamond.
        var best: Double?
    }

    /// A label that fits the label column (about 40 characters at 12 px), with an ellipsis when cut.
    static func shortened(_ label: String, to limit: Int = 40) -> String {
        label.count <= limit ? label : String(label.prefix(limit - 1)) + "…"
    }

    /// Horizontal bars on a 0…`maximum` scale, with a dashed line at `threshold` (e.g. 12/20).
    static func horizontalBars(
        _ bars: [Bar], maximum: Double = 20, threshold: Double? = nil, title: String, legend: [String] = []
    ) -> Markup {
        let labelWidth = 260.0
        let plotWidth = 420.0
        let rowHeight = 26.0
        let top = 8.0
        let height = top + Double(bars.count) * rowHeight + 34
        let width = labelWidth + plotWidth + 60
        func x(_ value: Double) -> Double { labelWidth + max(0, min(value, maximum)) / maximum * plotWidth }
        func f(_ value: Double) -> String { String(format: "%.1f", value) }

        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"chart\" "
        svg += "viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"100%\" aria-label=\"\(Markup.escape(title))\">"
        svg += "<title>\(Markup.escape(title))</title>"
        for tick in stride(from: 0.0, through: maximum, by: maximum / 4) {
            svg += "<line x1=\"\(f(x(tick)))\" y1=\"\(f(top))\" x2=\"\(f(x(tick)))\" y2=\"\(f(height - 26))\" "
            svg += "stroke=\"#d9dde3\"/>"
            svg += "<text x=\"\(f(x(tick)))\" y=\"\(f(height - 10))\" font-size=\"11\" text-anchor=\"middle\" "
            svg += "fill=\"#5b6473\">\(f(tick))</text>"
        }
        for (index, bar) in bars.enumerated() {
            let y = top + Double(index) * rowHeight
            svg += "<text x=\"\(f(labelWidth - 8))\" y=\"\(f(y + 16))\" font-size=\"12\" text-anchor=\"end\" "
            svg += "fill=\"#1d2430\">\(Markup.escape(shortened(bar.label)))</text>"
            svg += "<rect x=\"\(f(labelWidth))\" y=\"\(f(y + 4))\" width=\"\(f(x(bar.value) - labelWidth))\" "
            svg +=
                "height=\"16\" fill=\"#0b5cad\" rx=\"2\"><title>\(Markup.escape(bar.label)): \(f(bar.value))</title></rect>"
            // Values in a column of their own, right of the scale, so they never cover the marks.
            svg += "<text x=\"\(f(labelWidth + plotWidth + 10))\" y=\"\(f(y + 16))\" font-size=\"11\" "
            svg += "fill=\"#1d2430\">"
            svg += "\(f(bar.value))</text>"
            if let mean = bar.mean {
                svg += "<line x1=\"\(f(x(mean)))\" y1=\"\(f(y + 1))\" x2=\"\(f(x(mean)))\" y2=\"\(f(y + 23))\" "
                svg += "stroke=\"#1d2430\" stroke-width=\"2.5\"><title>\(f(mean))</title></line>"
            }
            if let best = bar.best {
                let cx = x(best)
                let cy = y + 12
                svg += "<polygon points=\"\(f(cx)),\(f(cy - 6)) \(f(cx + 6)),\(f(cy)) \(f(cx)),\(f(cy + 6)) "
                svg += "\(f(cx - 6)),\(f(cy))\" fill=\"none\" stroke=\"#1b7f3b\" stroke-width=\"2\">"
                svg += "<title>\(f(best))</title></polygon>"
            }
        }
        if let threshold {
            svg += "<line x1=\"\(f(x(threshold)))\" y1=\"\(f(top))\" x2=\"\(f(x(threshold)))\" "
            svg += "y2=\"\(f(height - 26))\" stroke=\"#a4161a\" stroke-dasharray=\"4 3\"/>"
        }
        svg += "</svg>"
        let caption =
            legend.isEmpty ? Markup.empty : element("p", .class("muted legend")) { legend.joined(separator: " · ") }
        return element("figure", .class("chart")) {
            Markup.rendered(svg)
            caption
        }
    }
}
