/// The one stylesheet, served at /static/guichet.css. Kept in code so the binary runs from anywhere.
enum Stylesheet {
    static let css = """
        :root { --ink: #1d2430; --muted: #5b6473; --accent: #0b5cad; --bg: #f6f7f9; --card: #fff;
          --line: #d9dde3; --bad: #a4161a; --good: #1b7f3b; font-family: system-ui, "DejaVu Sans", sans-serif; }
        * { box-sizing: border-box; }
        body { margin: 0; color: var(--ink); background: var(--bg); line-height: 1.5; }
        a { color: var(--accent); }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 10; }
        .site-header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: .75rem 1.5rem;
          background: var(--card); border-bottom: 1px solid var(--line); }
        .site-header .brand { font-weight: 700; font-size: 1.2rem; text-decoration: none; color: var(--ink); }
        .site-header nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
        .site-header .who { margin-left: auto; color: var(--muted); }
        form.inline { display: inline-flex; gap: .4rem; align-items: center; margin: 0; }
        main { max-width: 72rem; margin: 1.5rem auto; padding: 0 1.5rem; }
        main:focus { outline: none; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1.25rem;
          margin-bottom: 1.25rem; }
        .narrow { max-width: 26rem; margin: 3rem auto; }
        label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
        form.inline label { margin: 0; font-weight: 400; }
        input[type=email], input[type=password], input[type=text], select { width: 100%; padding: .5rem;
          border: 1px solid var(--line); border-radius: 4px; font: inherit; }
        form.inline select { width: auto; }
        button { font: inherit; padding: .45rem .9rem; border-radius: 4px; border: 1px solid var(--accent);
          background: var(--accent); color: #fff; cursor: pointer; }
        form.inline button { background: transparent; color: var(--accent); }
        .primary { margin-top: 1rem; width: 100%; }
        .visually-hidden { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
        input[type=tel], textarea { width: 100%; padding: .5rem; border: 1px solid var(--line); border-radius: 4px;
          font: inherit; }
        .live-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 1rem; }
        .metric { font-size: 1.8rem; font-weight: 700; }
        .late { color: var(--bad); }
        .timeline { list-style: none; padding: 0; border-left: 3px solid var(--line); margin-left: .5rem; }
        .timeline > li { margin: 0 0 1rem 1rem; }
        .timeline .when { color: var(--muted); font-size: .9rem; }
        .badge { display: inline-block; padding: 0 .4rem; border-radius: 4px; background: var(--bg);
          border: 1px solid var(--line); font-size: .85rem; }
        .alert { padding: .75rem 1rem; border-radius: 4px; background: #fdecea; color: var(--bad);
          border: 1px solid #f5c2c0; }
        .notice { padding: .75rem 1rem; border-radius: 4px; background: #e8f4ec; color: var(--good);
          border: 1px solid #b9dfc5; }
        code.secret { display: block; padding: .5rem; background: #fff; border: 1px dashed var(--good);
          word-break: break-all; }
        table { width: 100%; border-collapse: collapse; }
        th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
        .muted { color: var(--muted); }
        .site-footer { text-align: center; color: var(--muted); font-size: .85rem; padding: 2rem 0; }
        textarea { width: 100%; font: inherit; padding: .5rem; border: 1px solid var(--line); border-radius: 4px; }
        fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 1rem 0; padding: .5rem 1rem 1rem; }
        .field-error { display: block; color: var(--bad); font-size: .9rem; }
        .inline-label { display: inline; font-weight: 400; margin-left: .3rem; }
        .big-mark { font-size: 2.4rem; font-weight: 700; margin: 0; }
        .two-columns { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5rem; }
        figure.chart { margin: 0; }
        .legend { font-size: .85rem; }
        tr.below td:last-child { color: var(--bad); }
        tr.above td:last-child { color: var(--good); }
        .winner { color: var(--good); }
        @media print { .site-header, .site-footer, .skip, #pdf { display: none; } body { background: #fff; }
          .card { break-inside: avoid; border: none; padding: .5rem 0; } main { margin: 0; max-width: none; } }
        """
}
