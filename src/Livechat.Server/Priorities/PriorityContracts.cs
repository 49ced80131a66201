using System.Text.Json.Serialization;

namespace Livechat.Server.Priorities;

/// <summary>A priority on the wire; <c>name</c> is absent until the priority is renamed.</summary>
public sealed record PriorityView(
    [property: JsonPropertyName("_id")] string Id, string I18n, int SortItem, bool Dirty, string? Name,
    [property: JsonPropertyName("_updatedAt")] DateTime UpdatedAt)
{
    public static PriorityView From(Priority p) => new(p.Id, p.I18n, p.SortItem, p.Dirty, p.Name, p.UpdatedAt);
}

public sealed record PrioritiesResponse(IReadOnlyList<PriorityView> Priorities, int Count, int Offset, int Total) : Http.ApiResponse;

public sealed record PrioritiesResetResponse(bool Reset) : Http.ApiResponse;
