using System.Text.Json;
using System.Text.Json.Serialization;

namespace Livechat.Client;

public sealed record RoomVisitor
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string Username { get; init; } = "";
    public string Token { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTime? LastMessageTs { get; init; }
}

public sealed record UserRef
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string Username { get; init; } = "";
    public DateTime? Ts { get; init; }
}

public sealed record RoomSource
{
    public string Type { get; init; } = "";
    public string? Destination { get; init; }
}

public sealed record RoomResponseBy
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string Username { get; init; } = "";
    public DateTime FirstResponseTs { get; init; }
    public DateTime LastMessageTs { get; init; }
}

public sealed record RoomMetrics
{
    public double ChatDuration { get; init; }
    public double? ServiceTimeDuration { get; init; }
}

public sealed record DepartmentRef
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string Name { get; init; } = "";
}

/// <summary>A livechat room (type <c>l</c>), as the REST API and the realtime streams send it.</summary>
public sealed record Room
{
    /// <summary>A room without a priority has this weight.</summary>
    public const int NoPriorityWeight = 99;

    /// <summary>A room without an SLA has this estimated waiting time.</summary>
    public const int NoSlaWaitingTime = 9999999;

    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string T { get; init; } = "l";
    public string Fname { get; init; } = "";
    public int Msgs { get; init; }
    public int UsersCount { get; init; }
    public DateTime Ts { get; init; }
    public DateTime? Lm { get; init; }
    [JsonPropertyName("_updatedAt")] public DateTime UpdatedAt { get; init; }

    /// <summary><c>true</c> while open; the server removes the flag on close.</summary>
    public bool? Open { get; init; }
    public bool? WaitingResponse { get; init; }
    public RoomVisitor V { get; init; } = new();
    public UserRef? ServedBy { get; init; }
    public string? DepartmentId { get; init; }

    /// <summary>Only in <c>livechat/rooms</c>: the department's id and name.</summary>
    public DepartmentRef? Department { get; init; }
    public RoomSource? Source { get; init; }
    public DateTime? QueuedAt { get; init; }
    public RoomResponseBy? ResponseBy { get; init; }
    public Message? LastMessage { get; init; }
    public string? Topic { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    public IReadOnlyDictionary<string, string>? LivechatData { get; init; }
    public string? PriorityId { get; init; }
    public int PriorityWeight { get; init; } = NoPriorityWeight;
    public string? SlaId { get; init; }
    public int EstimatedWaitingTimeQueue { get; init; } = NoSlaWaitingTime;
    public JsonElement? Sms { get; init; }
    public DateTime? ClosedAt { get; init; }
    public UserRef? ClosedBy { get; init; }
    public string? Closer { get; init; }
    public RoomMetrics? Metrics { get; init; }
    public string? CrmData { get; init; }

    /// <summary>The server's version counter; <see cref="ETag"/> is its quoted form, for <c>If-Match</c>.</summary>
    [JsonPropertyName("_version")] public int Version { get; init; }

    [JsonIgnore] public bool IsOpen => Open == true;

    [JsonIgnore] public bool IsQueued => IsOpen && ServedBy is null;

    [JsonIgnore] public string ETag => $"\"{Version.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"";
}

/// <summary>A room together with the entity tag the server sent for it (<c>ETag</c> header).</summary>
public sealed record RoomWithETag(Room Room, string ETag);

public sealed record VisitorEmail
{
    public string Address { get; init; } = "";
}

public sealed record VisitorPhone
{
    public string PhoneNumber { get; init; } = "";
}

public sealed record VisitorLastChat
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public DateTime Ts { get; init; }
}

/// <summary>A visitor (the person on the website).</summary>
public sealed record Visitor
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string? Token { get; init; }
    public string Username { get; init; } = "";
    public string? Name { get; init; }
    public IReadOnlyList<VisitorEmail>? VisitorEmails { get; init; }
    public IReadOnlyList<VisitorPhone>? Phone { get; init; }
    public string? Department { get; init; }
    public string? Status { get; init; }
    public DateTime Ts { get; init; }
    [JsonPropertyName("_updatedAt")] public DateTime UpdatedAt { get; init; }
    public VisitorLastChat? LastChat { get; init; }
    public IReadOnlyDictionary<string, string>? LivechatData { get; init; }

    [JsonIgnore] public string? Email => VisitorEmails is [var first, ..] ? first.Address : null;

    [JsonIgnore] public string? PhoneNumber => Phone is [var first, ..] ? first.PhoneNumber : null;
}

public sealed record InquiryVisitor
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string Username { get; init; } = "";
    public string Token { get; init; } = "";
    public string Status { get; init; } = "";
}

/// <summary>A queue entry (one per room; deleted when the room closes).</summary>
public sealed record Inquiry
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string Rid { get; init; } = "";
    public string Name { get; init; } = "";
    public string Message { get; init; } = "";
    public string Status { get; init; } = "";
    public InquiryVisitor V { get; init; } = new();
    public string? Department { get; init; }
    public DateTime Ts { get; init; }
    public DateTime QueuedAt { get; init; }
    public DateTime? TakenAt { get; init; }
    [JsonPropertyName("_updatedAt")] public DateTime UpdatedAt { get; init; }
    public string? PriorityId { get; init; }
    public int PriorityWeight { get; init; }
    public string? SlaId { get; init; }
    public int EstimatedWaitingTimeQueue { get; init; }
    public RoomSource? Source { get; init; }
}

/// <summary>One audited change of a room (<c>livechat/room.auditLog</c>): who, when, how, and each field's old and new value.</summary>
public sealed record AuditEntry
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string RoomId { get; init; } = "";
    public string Type { get; init; } = "";
    public DateTime Ts { get; init; }
    public UserRef? Actor { get; init; }
    public string Source { get; init; } = "";
    public IReadOnlyDictionary<string, FieldChange> Changes { get; init; } = new Dictionary<string, FieldChange>();
}

/// <summary>A field's value before and after a change (any JSON; <c>null</c> when absent).</summary>
public sealed record FieldChange
{
    public JsonElement? From { get; init; }
    public JsonElement? To { get; init; }
}
