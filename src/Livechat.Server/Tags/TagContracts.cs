using System.Text.Json.Serialization;
using Livechat.Server.Http;

namespace Livechat.Server.Tags;

/// <summary>
/// A tag on the wire. <c>_updatedAt</c> is null (so omitted) in the answer to a save, which, as Rocket.Chat's
/// <c>createOrUpdateTag</c>, returns only the fields it wrote.
/// </summary>
public sealed record TagView(
    [property: JsonPropertyName("_id")] string Id, string Name, string? Description, int NumDepartments,
    IReadOnlyList<string> Departments, [property: JsonPropertyName("_updatedAt")] DateTime? UpdatedAt)
{
    public static TagView From(Tag t) => new(t.Id, t.Name, t.Description, t.Departments.Count, t.Departments, t.UpdatedAt);

    public static TagView Saved(Tag t) => From(t) with { UpdatedAt = null };
}

public sealed record TagsResponse(IReadOnlyList<TagView> Tags, int Count, int Offset, int Total) : ApiResponse;
