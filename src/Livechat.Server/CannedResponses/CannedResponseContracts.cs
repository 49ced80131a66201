using System.Text.Json.Serialization;
using Livechat.Server.Http;

namespace Livechat.Server.CannedResponses;

public sealed record CannedResponseAuthor([property: JsonPropertyName("_id")] string Id, string Username);

/// <summary>A canned response on the wire: Rocket.Chat's stored document.</summary>
public sealed record CannedResponseView(
    [property: JsonPropertyName("_id")] string Id, string Shortcut, string Text, string Scope, IReadOnlyList<string> Tags,
    string? UserId, string? DepartmentId, CannedResponseAuthor CreatedBy,
    [property: JsonPropertyName("_createdAt")] DateTime CreatedAt, [property: JsonPropertyName("_updatedAt")] DateTime UpdatedAt)
{
    public static CannedResponseView From(CannedResponse c) => new(c.Id, c.Shortcut, c.Text, c.Scope, c.Tags, c.UserId, c.DepartmentId,
        new CannedResponseAuthor(c.CreatedById, c.CreatedByUsername), c.CreatedAt, c.UpdatedAt);
}

public sealed record CannedResponsesResponse(IReadOnlyList<CannedResponseView> CannedResponses, int Count, int Offset, int Total) : ApiResponse;

/// <summary><c>canned-responses.get</c>: every response the caller may use, unpaged.</summary>
public sealed record CannedResponsesGetResponse(IReadOnlyList<CannedResponseView> Responses) : ApiResponse;

public sealed record CannedResponseResponse(CannedResponseView CannedResponse) : ApiResponse;
