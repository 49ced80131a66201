using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Data;

/// <summary>Open-ended values (custom-field maps) stored as JSON text, identical on both providers.</summary>
public static class JsonColumns
{
    static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General);

    /// <summary>
    /// A map of strings as a JSON object. EF Core snapshots it when an entity is read for tracking and compares it with
    /// the snapshot when a save detects changes, so both work on the map itself (a copy; key by key) rather than on its
    /// serialised text: every tracked room and visitor read and every save pays for them.
    /// </summary>
    public static PropertyBuilder<Dictionary<string, string>?> HasJsonConversion(this PropertyBuilder<Dictionary<string, string>?> property) =>
        property.HasConversion(
            v => v == null ? null : JsonSerializer.Serialize(v, Options),
            v => v == null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(v, Options),
            new ValueComparer<Dictionary<string, string>?>(
                (a, b) => SameMap(a, b),
                v => MapHash(v),
                v => v == null ? null : new Dictionary<string, string>(v)));

    /// <summary>The same keys with the same values (in any order: the JSON object they are saved as means the same).</summary>
    static bool SameMap(Dictionary<string, string>? a, Dictionary<string, string>? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a.Count != b.Count) return false;
        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || !string.Equals(value, other, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    static int MapHash(Dictionary<string, string>? map)
    {
        if (map is null) return 0;
        var hash = 0;
        foreach (var (key, value) in map) hash ^= HashCode.Combine(key, value);   // order-free, as SameMap
        return hash;
    }
}
