using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Livechat.Server.Events;

/// <summary>
/// One committed change, as every consumer sees it: the audit log (<c>room.auditLog</c>), the <c>room.updated</c>
/// webhook and realtime subscribers of <see cref="IChangeFeed"/>. Produced inside the write transaction from what the
/// transaction changed, stored in <c>change_events</c> in the same commit, and published only after that commit.
/// </summary>
/// <remarks>
/// Ids are there so a subscriber can authorise without reading the database: <see cref="RoomId"/>,
/// <see cref="DepartmentId"/> (the room's), <see cref="AgentId"/> (the serving agent after the change) and
/// <see cref="VisitorId"/>. The documents (<see cref="Room"/>, <see cref="Message"/>, <see cref="Inquiry"/>,
/// <see cref="Visitor"/>) are the same wire shapes the REST API answers with, after the change.
/// </remarks>
public sealed record ChangeEvent
{
    /// <summary>The database sequence number: increasing in insert order, unique, a cursor for catch-up reads.</summary>
    public long Seq { get; init; }

    /// <summary>One of <see cref="ChangeTypes"/>.</summary>
    public required string Type { get; init; }

    public required DateTime Ts { get; init; }

    public required ChangeActor Actor { get; init; }

    public string? RoomId { get; init; }

    /// <summary>The room's <c>_version</c> after the change: per room, a later change has a higher version.</summary>
    public int? RoomVersion { get; init; }

    public string? DepartmentId { get; init; }

    public string? VisitorId { get; init; }

    /// <summary>The serving agent after the change (<c>servedBy._id</c>), null while queued.</summary>
    public string? AgentId { get; init; }

    /// <summary>The user whose logins or roles changed, on <see cref="ChangeTypes.LoginChanged"/>.</summary>
    public string? UserId { get; init; }

    /// <summary>
    /// The tracked fields that changed, by wire name (<c>topic</c>, <c>tags</c>, <c>servedBy</c>, <c>open</c>,
    /// <c>visitor.name</c>…, see <see cref="ChangeFields"/>), each with its old and new value. Empty when only
    /// bookkeeping changed (message counters, <c>_updatedAt</c>…).
    /// </summary>
    public IReadOnlyDictionary<string, FieldChange> Changes { get; init; } = FieldChange.None;

    /// <summary>The room document after the change (as <c>rooms.info</c> answers it), when a room is involved.</summary>
    public EventDocument? Room { get; init; }

    /// <summary>The message document, on <c>message.*</c> events (system messages included: <c>t</c> is set).</summary>
    public EventDocument? Message { get; init; }

    /// <summary>The inquiry (queue entry), on <c>inquiry.*</c> events; absent on <c>inquiry.removed</c>.</summary>
    public EventDocument? Inquiry { get; init; }

    /// <summary>The visitor document, on <c>visitor.updated</c> and on room events whose visitor changed too.</summary>
    public EventDocument? Visitor { get; init; }

    /// <summary>True for events that came from another server process (PostgreSQL only).</summary>
    [JsonIgnore]
    public bool Remote { get; init; }

    /// <summary>Whether a change of an audited field is in <see cref="Changes"/> (such events form the audit log).</summary>
    [JsonIgnore]
    public bool Audited => Changes.Keys.Any(ChangeFields.IsAudited);
}

/// <summary>A field's value before and after, as JSON (null when absent).</summary>
public sealed record FieldChange(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonNode? From,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonNode? To)
{
    public static readonly IReadOnlyDictionary<string, FieldChange> None = new Dictionary<string, FieldChange>();
}

/// <summary>
/// Who made a change: a user, a visitor (by token) or the server itself, and through which door. <see cref="Type"/>
/// tells users and visitors apart (<c>user</c>, <c>visitor</c>; absent for the server, and on events recorded before
/// actors were typed), so a visitor never passes for the agent whose name it shows.
/// </summary>
public sealed record ChangeActor(
    [property: JsonPropertyName("_id")] string? Id,
    string? Username,
    [property: JsonPropertyName("source")] string Source,
    string? Type = null)
{
    public const string Rest = "rest";
    public const string Method = "method";
    public const string SystemSource = "system";
    public const string UserType = "user";
    public const string VisitorType = "visitor";

    /// <summary>A logged-in user; none (the server) when <paramref name="id"/> is null.</summary>
    public static ChangeActor User(string? id, string? username, string source) => new(id, username, source, id is null ? null : UserType);

    public static ChangeActor Visitor(string id, string username, string source) => new(id, username, source, VisitorType);

    /// <summary>The server's own changes (webhook answers, background work).</summary>
    public static readonly ChangeActor System = new(null, null, SystemSource);
}

/// <summary>The event types.</summary>
public static class ChangeTypes
{
    public const string RoomOpened = "room.opened";
    public const string RoomUpdated = "room.updated";

    /// <summary>The serving agent was set or changed (routing, <c>inquiries.take</c>).</summary>
    public const string RoomAssigned = "room.assigned";

    public const string RoomClosed = "room.closed";
    public const string RoomRemoved = "room.removed";
    public const string MessageCreated = "message.created";
    public const string MessageUpdated = "message.updated";
    public const string MessageDeleted = "message.deleted";
    public const string InquiryQueued = "inquiry.queued";
    public const string InquiryTaken = "inquiry.taken";
    public const string InquiryRemoved = "inquiry.removed";
    public const string VisitorUpdated = "visitor.updated";
    public const string VisitorRemoved = "visitor.removed";

    /// <summary>A user's login tokens, roles or activation changed: sessions of <see cref="ChangeEvent.UserId"/> check their login again.</summary>
    public const string LoginChanged = "user.login.changed";
}
