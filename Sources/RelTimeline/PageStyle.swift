/// The page's CSS, inline: the screen layout, the focus and hover highlight, and the print
/// layout (no controls, the picture scaled to the page, every link's address written out).
enum PageStyle {
    static let css = """

        body { font: 14px/1.45 system-ui, sans-serif; color: #222222; margin: 1rem 2rem; }
        h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
        h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
        .summary, .hint { color: #555555; }
        .controls { margin: .5rem 0; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
        .controls input { width: 6em; }
        .picture { overflow-x: auto; }
        .picture svg { width: 100%; height: auto; min-width: 900px; display: block; }
        .record { cursor: pointer; outline: none; }
        .record:hover .shape, .record:focus .shape { stroke: #000000; stroke-width: 3; stroke-dasharray: none; }
        .record:focus-visible .shape { stroke-width: 4; }
        .record-cell:focus { outline: 3px solid #0072B2; }
        #details { background: #ffffff; border: 1px solid #999999; padding: .25rem .75rem; margin: .5rem 0; }
        #details.filled { position: sticky; bottom: 0; box-shadow: 0 -2px 6px rgba(0, 0, 0, .15); }
        #details.filled p { display: none; }
        table { border-collapse: collapse; width: 100%; }
        th, td { border-bottom: 1px solid #dddddd; padding: .25rem .5rem; text-align: start; vertical-align: top; }
        th { background: #f4f4f4; }
        .claim.alleged { font-style: italic; }
        .claim.disputed { text-decoration: underline wavy; }
        .parties, code { color: #555555; }
        bdi.title { font-weight: 600; }
        footer { margin-top: 2rem; color: #555555; font-size: .9em; }
        @media print {
          body { margin: 0; font-size: 10pt; }
          .controls, #details { display: none; }
          .picture { overflow: visible; }
          .picture svg { min-width: 0; width: 100%; }
          tr, li { break-inside: avoid; }
          a { color: inherit; }
          a[href]::after { content: " (" attr(href) ")"; font-size: 90%; word-break: break-all; }
        }

        """
}
