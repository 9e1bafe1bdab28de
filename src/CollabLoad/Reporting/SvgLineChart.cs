using System.Globalization;
using System.Net;
using System.Text;

namespace CollabLoad.Reporting;

/// <summary>A small inline SVG line chart (axes, ticks, legend) so the HTML report needs no scripts or files.</summary>
public static class SvgLineChart
{
    public sealed record Series(string Name, string Color, IReadOnlyList<(double X, double Y)> Points);

    private const int Width = 760, Height = 320, Left = 70, Right = 20, Top = 30, Bottom = 50;

    public static string Render(string title, string xLabel, string yLabel, IReadOnlyList<Series> series,
        Func<double, string>? xTickLabel = null, IReadOnlyList<double>? xTicks = null)
    {
        var all = series.SelectMany(s => s.Points).ToList();
        double xMin = all.Count > 0 ? all.Min(p => p.X) : 0, xMax = all.Count > 0 ? all.Max(p => p.X) : 1;
        double yMax = all.Count > 0 ? all.Max(p => p.Y) : 1;
        if (xMax <= xMin) xMax = xMin + 1;
        yMax = NiceCeiling(yMax <= 0 ? 1 : yMax);
        double X(double x) => Left + (x - xMin) / (xMax - xMin) * (Width - Left - Right);
        double Y(double y) => Height - Bottom - y / yMax * (Height - Top - Bottom);
        xTickLabel ??= v => v.ToString("0.#", CultureInfo.InvariantCulture);
        xTicks ??= Enumerable.Range(0, 6).Select(i => xMin + i * (xMax - xMin) / 5).ToList();

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">{Esc(title)}</text>");
        for (int i = 0; i <= 4; i++)
        {
            double v = yMax * i / 4;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(v):0.#}\" y2=\"{Y(v):0.#}\" stroke=\"#ddd\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Y(v) + 4:0.#}\" text-anchor=\"end\">{v.ToString("0.##", CultureInfo.InvariantCulture)}</text>");
        }
        foreach (double t in xTicks)
        {
            if (t < xMin || t > xMax) continue;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(t):0.#}\" x2=\"{X(t):0.#}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom + 4}\" stroke=\"#333\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(t):0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{Esc(xTickLabel(t))}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\" stroke=\"#333\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"#333\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Esc(xLabel)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(16 {(Top + Height - Bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">{Esc(yLabel)}</text>");
        int legendY = Top + 4;
        foreach (Series s in series)
        {
            if (s.Points.Count > 0)
            {
                string points = string.Join(' ', s.Points.Select(p => $"{X(p.X).ToString("0.#", CultureInfo.InvariantCulture)},{Y(p.Y).ToString("0.#", CultureInfo.InvariantCulture)}"));
                svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"1.8\" points=\"{points}\"/>");
            }
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left + 10}\" y=\"{legendY}\" width=\"12\" height=\"3\" fill=\"{s.Color}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + 28}\" y=\"{legendY + 5}\">{Esc(s.Name)}</text>");
            legendY += 15;
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static double NiceCeiling(double v)
    {
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (double step in new[] { 1, 2, 2.5, 5, 10 })
            if (step * magnitude >= v) return step * magnitude;
        return 10 * magnitude;
    }

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}
