using System.Text.Json.Serialization;
using Livechat.Server.Http;

namespace Livechat.Server.CustomFields;

public sealed record CustomFieldView(
    [property: JsonPropertyName("_id")] string Id, string Label, string Scope, string Visibility, string? Type, string? Regexp,
    bool? Required, string? DefaultValue, string? Options, bool? Public, bool? Searchable,
    [property: JsonPropertyName("_updatedAt")] DateTime UpdatedAt)
{
    public static CustomFieldView From(CustomField f) => new(
        f.Id, f.Label, f.Scope, f.Visibility, f.Type, f.Regexp, f.Required, f.DefaultValue, f.Options, f.Public, f.Searchable, f.UpdatedAt);
}

public sealed record CustomFieldsResponse(IReadOnlyList<CustomFieldView> CustomFields, int Count, int Offset, int Total) : ApiResponse;

/// <summary><c>customField</c> is the one contract <c>null</c> here: an unknown id is not an error.</summary>
public sealed record CustomFieldResponse(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] CustomFieldView? CustomField) : ApiResponse;

public sealed record VisitorFieldView(string Key, string Value, bool Overwrite);

public sealed record VisitorFieldResponse(VisitorFieldView Field) : ApiResponse;

/// <summary>Rocket.Chat answers <c>livechat/custom.fields</c> with a capital <c>Key</c>; clients read it so.</summary>
public sealed record VisitorFieldsEntry([property: JsonPropertyName("Key")] string Key, string Value, bool Overwrite);

public sealed record VisitorFieldsResponse(IReadOnlyList<VisitorFieldsEntry> Fields) : ApiResponse;
