namespace Livechat.Server.Files;

/// <summary>
/// Which media types an upload may have (Rocket.Chat's <c>fileUploadIsValidContentType</c>: the white list, then the
/// black list, each comma-separated with <c>type/*</c> wildcards), and whether the bytes agree with the type given.
/// </summary>
public static class FileTypes
{
    /// <summary>The signatures (magic numbers) checked: PNG, JPEG, GIF, WebP, PDF, and executables (Windows PE, ELF, Mach-O, scripts).</summary>
    static readonly (string Type, byte?[] Magic)[] Signatures =
    [
        ("image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ("image/jpeg", [0xFF, 0xD8, 0xFF]),
        ("image/gif", [0x47, 0x49, 0x46, 0x38]),
        ("image/webp", [0x52, 0x49, 0x46, 0x46, null, null, null, null, 0x57, 0x45, 0x42, 0x50]),
        ("application/pdf", [0x25, 0x50, 0x44, 0x46, 0x2D]),
        (Executable, [0x4D, 0x5A]),
        (Executable, [0x7F, 0x45, 0x4C, 0x46]),
        (Executable, [0xCF, 0xFA, 0xED, 0xFE]),
        (Executable, [0xFE, 0xED, 0xFA, 0xCF]),
        (Executable, [0x23, 0x21]),
    ];

    const string Executable = "application/x-executable";

    /// <summary>Types that may hold an executable as such: an upload declared so is judged by the lists alone.</summary>
    static readonly string[] ExecutableTypes =
        ["application/octet-stream", "application/x-executable", "application/x-msdownload", "application/x-sh", "application/x-elf"];

    /// <summary>Images the widget and browsers show inline: served inline, everything else as an attachment.</summary>
    public static bool IsInlineImage(string type) => Signatures.Any(s => s.Type == type && type.StartsWith("image/", StringComparison.Ordinal));

    public static bool Allowed(string type, string whiteList, string blackList) =>
        (Entries(whiteList) is not { Length: > 0 } white || white.Any(e => Matches(e, type)))
        && !Entries(blackList).Any(e => Matches(e, type));

    /// <summary>
    /// Whether <paramref name="head"/> (the file's first bytes) fits <paramref name="type"/>: a type with a known
    /// signature must have it, and bytes with an executable's signature are only accepted under an executable type.
    /// </summary>
    public static bool BytesMatch(string type, ReadOnlySpan<byte> head)
    {
        var sniffed = Sniff(head);
        if (Signatures.Any(s => s.Type == type) && sniffed != type && !ExecutableTypes.Contains(type)) return false;
        return sniffed != Executable || ExecutableTypes.Contains(type);
    }

    static string? Sniff(ReadOnlySpan<byte> head)
    {
        foreach (var (type, magic) in Signatures)
        {
            if (head.Length < magic.Length) continue;
            var match = true;
            for (var i = 0; i < magic.Length && match; i++) match = magic[i] is not { } b || head[i] == b;
            if (match) return type;
        }
        return null;
    }

    static string[] Entries(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    static bool Matches(string entry, string type) =>
        entry.EndsWith("/*", StringComparison.Ordinal)
            ? type.StartsWith(entry[..^1], StringComparison.OrdinalIgnoreCase)
            : string.Equals(entry, type, StringComparison.OrdinalIgnoreCase);
}
