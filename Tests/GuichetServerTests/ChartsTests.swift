import Testing

@testable import GuichetServer

@Suite("SVG charts")
struct ChartsTests {
    @Test("One bar per value, reference marks, the 12/20 line, and labels escaped and shortened")
    func bars() {
        let chart = Charts.horizontalBars(
            [
                .init(label: "Téléphone <script>", value: 12.6, mean: 12.1, best: 12.7),
                .init(label: String(repeating: "Qualité de la réponse ", count: 3), value: 25, mean: nil, best: nil),
            ], threshold: 12, title: "Par canal & famille"
        ).html
        #expect(chart.components(separatedBy: "<rect ").count - 1 == 2)
        #expect(chart.contains("stroke-dasharray"), "the pass-mark line")
        #expect(chart.contains("<polygon"), "the best mark")
        #expect(!chart.contains("<script>"))
        #expect(chart.contains("Téléphone &lt;script&gt;"))
        #expect(chart.contains("Par canal &amp; famille"))
        #expect(chart.contains("…"), "a long label is cut with an ellipsis")
        // A value beyond the scale is drawn at the scale's end, not outside the chart.
        #expect(chart.contains("width=\"420.0\""))
    }
}
