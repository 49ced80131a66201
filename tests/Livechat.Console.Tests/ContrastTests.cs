using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Livechat.Console.Tests;

/// <summary>
/// The console's colours against WCAG 2.2 AA, read from the stylesheet itself (<c>wwwroot/css/console.css</c>): every
/// pair of a text colour and the background it is drawn on reaches 4.5:1 (normal text), and every control edge, focus
/// ring and state indicator 3:1 against what surrounds it (1.4.11 non-text contrast). All colours are variables of
/// <c>:root</c>; each one is in a pair below or named decorative, so a new colour cannot skip the audit.
/// docs/console.md lists the same pairs with their ratios.
/// </summary>
public sealed partial class ContrastTests(ITestOutputHelper output)
{
    const double Text = 4.5, NonText = 3;

    /// <summary>(foreground, background, minimum, where the pair appears).</summary>
    public static readonly TheoryData<string, string, double, string> Pairs = new()
    {
        { "--text", "--bg", Text, "page text, system messages' neighbours, manager pages" },
        { "--text", "--panel", Text, "sidebar, panels, forms, tables, messages" },
        { "--text", "--active-bg", Text, "the open chat's row, a hovered row" },
        { "--text", "--own-bg", Text, "the agent's own messages" },
        { "--text", "--chip-bg", Text, "tag chips and their remove button" },
        { "--text", "--warn-bg", Text, "Reconnecting… banner, the conflict alert" },
        { "--muted", "--panel", Text, "times, last messages, hints, table heads, placeholders" },
        { "--muted", "--bg", Text, "system messages, empty states" },
        { "--muted", "--active-bg", Text, "the open chat's last message and time" },
        { "--muted", "--own-bg", Text, "the meta line of the agent's own messages" },
        { "--accent", "--panel", Text, "links, the unread dot, the focus ring" },
        { "--accent", "--bg", Text, "links and the focus ring on the page background" },
        { "--accent", "--active-bg", Text, "the current manager page's link, the open row's edge" },
        { "--accent-text", "--accent", Text, "primary buttons, the selected tab" },
        { "--danger", "--panel", Text, "errors, required marks, Delete buttons" },
        { "--danger", "--bg", NonText, "the edge of a message that failed to send" },
        { "--danger", "--warn-bg", Text, "an error inside the conflict alert" },
        { "--header-text", "--header-bg", Text, "header: product name, user, Available, Log out" },
        { "--header-line", "--header-bg", NonText, "the Log out button's edge" },
        { "--header-focus", "--header-bg", NonText, "the focus ring in the header" },
        { "--switch-off", "--header-bg", NonText, "the Available switch, off" },
        { "--switch-on", "--header-bg", NonText, "the Available switch, on" },
        { "--switch-knob", "--switch-off", NonText, "the switch's knob, off" },
        { "--switch-knob", "--switch-on", NonText, "the switch's knob, on" },
        { "--control-line", "--panel", NonText, "edges of inputs, selects and buttons" },
        { "--control-line", "--bg", NonText, "edges of inputs and buttons on the page background" },
    };

    /// <summary>Colours that carry no information (text or a state says it), so they need no contrast.</summary>
    static readonly Dictionary<string, string> Decorative = new(StringComparer.Ordinal)
    {
        ["--line"] = "separators and table rules",
        ["--warn-line"] = "the conflict alert's edge (its text says it)",
        ["--own-line"] = "the edge of the agent's own message bubbles",
        ["--skeleton"] = "loading placeholders",
        ["--skeleton-light"] = "loading placeholders",
    };

    static readonly Lazy<string> Stylesheet = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Livechat.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return File.ReadAllText(Path.Combine(dir.FullName, "src", "Livechat.Console", "wwwroot", "css", "console.css"));
    });

    /// <summary>The <c>:root</c> variables whose value is a colour (<c>#rgb</c> or <c>#rrggbb</c>).</summary>
    static Dictionary<string, string> Colours()
    {
        var root = RootBlock().Match(Stylesheet.Value);
        Assert.True(root.Success, "console.css has a :root block");
        return Variable().Matches(root.Groups[1].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void PairMeetsAa(string foreground, string background, double minimum, string where)
    {
        var colours = Colours();
        Assert.True(colours.ContainsKey(foreground), $"{foreground} is not a colour of :root");
        Assert.True(colours.ContainsKey(background), $"{background} is not a colour of :root");

        var ratio = Ratio(colours[foreground], colours[background]);

        output.WriteLine($"| {where} | `{foreground}` {colours[foreground]} | `{background}` {colours[background]} | {ratio:F2}:1 | {minimum}:1 |");
        Assert.True(ratio >= minimum, $"{where}: {foreground} on {background} is {ratio:F2}:1, below {minimum}:1");
    }

    [Fact]
    public void EveryColourIsAuditedOrDecorative()
    {
        var audited = Pairs.SelectMany(p => new[] { (string)p[0], (string)p[1] }).ToHashSet(StringComparer.Ordinal);
        var colours = Colours();

        var unaudited = colours.Keys.Where(c => !audited.Contains(c) && !Decorative.ContainsKey(c)).ToList();
        var stale = Decorative.Keys.Where(c => !colours.ContainsKey(c)).ToList();

        Assert.Empty(unaudited);
        Assert.Empty(stale);
    }

    [Fact]
    public void NoColourIsWrittenOutsideTheVariables()
    {
        var rules = RootBlock().Replace(Comment().Replace(Stylesheet.Value, ""), "");

        var literals = ColourLiteral().Matches(rules).Select(m => m.Value).ToList();

        Assert.Empty(literals);
    }

    [Theory]
    [InlineData("#fff", "#000", 21)]
    [InlineData("#777", "#fff", 4.48)]
    [InlineData("#1559c7", "#1559c7", 1)]
    public void RatioFollowsWcag(string a, string b, double expected) => Assert.Equal(expected, Ratio(a, b), 2);

    /// <summary>WCAG's contrast ratio: (L1 + 0.05) / (L2 + 0.05) of the relative luminances, lighter first.</summary>
    static double Ratio(string a, string b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    static double Luminance(string hex)
    {
        var digits = hex.TrimStart('#');
        if (digits.Length == 3) digits = string.Concat(digits.Select(c => new string(c, 2)));
        double Channel(int at)
        {
            var c = int.Parse(digits.AsSpan(at, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return (0.2126 * Channel(0)) + (0.7152 * Channel(2)) + (0.0722 * Channel(4));
    }

    [GeneratedRegex(@":root\s*\{([^}]*)\}")]
    private static partial Regex RootBlock();

    [GeneratedRegex(@"(--[\w-]+)\s*:\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\s*;")]
    private static partial Regex Variable();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comment();

    /// <summary>Hex, functional and the common named colours (transparent and inherit are not colours of ours).</summary>
    [GeneratedRegex(@"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(|:\s*(?:white|black|gray|grey|red|green|blue|yellow|orange)\b",
        RegexOptions.IgnoreCase)]
    private static partial Regex ColourLiteral();
}
