using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.CustomFields;

/// <summary>The outcome of applying custom-field input to a stored <c>livechatData</c>.</summary>
/// <param name="Values">The map to store (null while the document has never had a key).</param>
/// <param name="Changed">Whether <paramref name="Values"/> differs from what was stored, i.e. whether to write.</param>
public sealed record CustomFieldEdit(Dictionary<string, string>? Values, bool Changed);

/// <summary>
/// The custom-field value rules of <c>room.saveInfo</c> (room-saveInfo.md §5), the same for both scopes:
/// normalise, validate against the regexp (reporting the label), keep non-empty values, remove empty ones, merge.
/// </summary>
public static class CustomFieldValues
{
    public const string VisitorScope = "visitor";
    public const string RoomScope = "room";

    /// <summary>The definitions of one scope, hidden ones included, in ascending ordinal <c>_id</c> order (§5, rule 2).</summary>
    public static async Task<List<CustomField>> DefinitionsAsync(LivechatDb db, string scope, CancellationToken ct)
    {
        var definitions = await db.CustomFields.AsNoTracking().Where(f => f.Scope == scope).ToListAsync(ct);
        definitions.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return definitions;
    }

    /// <summary>
    /// Validates, then merges <paramref name="input"/> into <paramref name="existing"/>. Returns the 400
    /// <c>Invalid value for &lt;label&gt; field</c> error of the first failing definition, or the edit to write.
    /// Nothing is changed when <paramref name="input"/> is null or empty.
    /// </summary>
    public static (CustomFieldEdit? Edit, ApiError? Error) Apply(
        IReadOnlyList<CustomField> definitions, JsonObject? input, IReadOnlyDictionary<string, string>? existing)
    {
        var values = Normalise(definitions, input);
        if (values.FirstOrDefault(v => v.Value.Length > Limits.MaxCustomFieldValueLength) is { Definition: { } tooLong })
        {
            return (null, Limits.CustomFieldValueTooLong(tooLong.Id));
        }
        if (values.FirstOrDefault(v => !CustomFieldRules.Matches(v.Definition.Regexp, v.Value)) is { Definition: { } failed })
        {
            return (null, ApiError.Failure($"Invalid value for {failed.Label} field"));
        }
        return (Merge(values, existing), null);
    }

    /// <summary>The input values of the known definitions, normalised (§5, rule 2), in definition order; unknown keys are dropped.</summary>
    public static List<(CustomField Definition, string Value)> Normalise(IReadOnlyList<CustomField> definitions, JsonObject? input) =>
        input is null or { Count: 0 }
            ? []
            : definitions.Where(d => input.ContainsKey(d.Id)).Select(d => (d, ToJsString(input[d.Id]).Trim())).ToList();

    /// <summary>Writes the non-empty values and removes the keys of empty ones; <c>livechatData</c> stays absent until a key is set.</summary>
    public static CustomFieldEdit Merge(IEnumerable<(CustomField Definition, string Value)> values, IReadOnlyDictionary<string, string>? existing)
    {
        var result = existing is null ? null : new Dictionary<string, string>(existing);
        foreach (var (definition, value) in values)
        {
            if (value.Length > 0)
            {
                result ??= [];
                result[definition.Id] = value;
            }
            else
            {
                result?.Remove(definition.Id);
            }
        }
        var changed = existing is null
            ? result is not null
            : result!.Count != existing.Count || result.Any(kv => !existing.TryGetValue(kv.Key, out var old) || old != kv.Value);
        return new CustomFieldEdit(result, changed);
    }

    /// <summary>
    /// A value as Rocket.Chat stores it: <c>value ? String(value) : ""</c>, so null, false, 0 and "" become "";
    /// arrays join their items' string forms with commas, objects become <c>[object Object]</c>.
    /// </summary>
    public static string ToJsString(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null or JsonValueKind.False => "",
        JsonValueKind.Number when value.GetValue<double>() == 0 => "",
        _ => JsString(value),
    };

    static string JsString(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.Number => Schema.JsNumberToString(value.GetValue<double>()),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array => string.Join(",", value.AsArray().Select(JsString)),
        _ => "[object Object]",
    };
}
