using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.Http;

namespace Livechat.Server.Validation;

/// <summary>
/// Meteor's <c>check()</c> messages, for the older endpoints Rocket.Chat still validates that way: 400
/// <c>{"success":false,"error":"Match error: …"}</c>, with <c>in field &lt;path&gt;</c> for nested values.
/// </summary>
public static class MeteorCheck
{
    public static ApiError Error(string detail, string? path = null) =>
        ApiError.Failure($"Match error: {detail}{(string.IsNullOrEmpty(path) ? "" : $" in field {path}")}");

    /// <summary>JavaScript's <c>typeof</c>, with null named as Meteor names it.</summary>
    public static string TypeOf(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "object",
    };

    static string Path(string? parent, string key) => string.IsNullOrEmpty(parent) ? key : $"{parent}.{key}";

    /// <summary><c>String</c>: present and a string.</summary>
    public static ApiError? RequireString(JsonObject obj, string key, string? parent = null)
    {
        if (!obj.TryGetPropertyValue(key, out var node)) return Error($"Missing key '{key}'", parent);
        return node?.GetValueKind() == JsonValueKind.String ? null : Error($"Expected string, got {TypeOf(node)}", Path(parent, key));
    }

    /// <summary><c>Match.Maybe(String)</c>: absent, null or a string.</summary>
    public static ApiError? MaybeString(JsonObject obj, string key, string? parent = null)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null) return null;
        return node.GetValueKind() == JsonValueKind.String ? null : Error($"Expected string, got {TypeOf(node)}", Path(parent, key));
    }

    /// <summary>Rejects keys outside <paramref name="allowed"/> (a plain object pattern).</summary>
    public static ApiError? NoUnknownKeys(JsonObject obj, IReadOnlyCollection<string> allowed, string? parent = null)
    {
        foreach (var (key, _) in obj)
        {
            if (!allowed.Contains(key)) return Error("Unknown key", Path(parent, key));
        }
        return null;
    }

    public static string? StringOf(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
