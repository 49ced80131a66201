using System.Text.Json.Serialization;
using Livechat.Server.Http;

namespace Livechat.Server.Slas;

public sealed record SlaView(
    [property: JsonPropertyName("_id")] string Id, string Name, string? Description, int DueTimeInMinutes,
    [property: JsonPropertyName("_updatedAt")] DateTime UpdatedAt)
{
    public static SlaView From(Sla s) => new(s.Id, s.Name, s.Description, s.DueTimeInMinutes, s.UpdatedAt);
}

public sealed record SlaListResponse(IReadOnlyList<SlaView> Sla, int Count, int Offset, int Total) : ApiResponse;

public sealed record SlaResponse(SlaView Sla) : ApiResponse;
