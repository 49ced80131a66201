using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Livechat.Server.Http;

namespace Livechat.Server.Rooms;

/// <summary>The room's visitor; <c>token</c> only in the visitor's own answer (<see cref="RoomView.ForVisitor"/>), never to staff.</summary>
public sealed record RoomVisitorView(
    [property: JsonPropertyName("_id")] string Id, string Username, string? Token, string Status, DateTime? LastMessageTs);

public sealed record ServedByView([property: JsonPropertyName("_id")] string Id, string Username, DateTime Ts);

public sealed record SourceView(string Type, string? Destination);

public sealed record ResponseByView(
    [property: JsonPropertyName("_id")] string Id, string Username, DateTime FirstResponseTs, DateTime LastMessageTs);

public sealed record ClosedByView([property: JsonPropertyName("_id")] string Id, string Username);

public sealed record MetricsView(double ChatDuration, double? ServiceTimeDuration);

public sealed record DepartmentRef([property: JsonPropertyName("_id")] string Id, string Name);

/// <summary>
/// The room document on the wire (livechat-endpoints §4.1). The one mapping from <see cref="LivechatRoom"/>: every
/// endpoint that returns a room uses <see cref="From"/> (staff, change events) or <see cref="ForVisitor"/> (the visitor's
/// own <c>livechat/room</c>). Absent fields are null and therefore omitted. Staff never get the visitor's token: it is
/// the visitor's credential (docs/compatibility.md).
/// </summary>
public sealed record RoomView(
    [property: JsonPropertyName("_id")] string Id,
    string T,
    string Fname,
    int Msgs,
    int UsersCount,
    DateTime Ts,
    DateTime? Lm,
    [property: JsonPropertyName("_updatedAt")] DateTime UpdatedAt,
    bool? Open,
    bool Cl,
    bool? WaitingResponse,
    RoomVisitorView V,
    ServedByView? ServedBy,
    string? DepartmentId,
    SourceView Source,
    DateTime? QueuedAt,
    ResponseByView? ResponseBy,
    JsonNode? LastMessage,
    string? Topic,
    IReadOnlyList<string>? Tags,
    IReadOnlyDictionary<string, string>? LivechatData,
    string? PriorityId,
    int PriorityWeight,
    string? SlaId,
    int EstimatedWaitingTimeQueue,
    JsonNode? Sms,
    DateTime? ClosedAt,
    ClosedByView? ClosedBy,
    string? Closer,
    MetricsView? Metrics,
    string? CrmData,
    [property: JsonPropertyName("_version")] int Version)
{
    /// <summary><c>livechat/rooms</c> adds the department's id and name.</summary>
    public DepartmentRef? Department { get; init; }

    /// <summary>Rocket.Chat EE's <c>onHold: true</c>, absent otherwise.</summary>
    public bool? OnHold { get; init; }

    /// <summary>The satisfaction survey's answers (<c>livechat/room.survey</c>), absent until given.</summary>
    public IReadOnlyDictionary<string, string>? SurveyFeedback { get; init; }

    public static RoomView From(LivechatRoom r) => new(
        Id: r.Id,
        T: "l",
        Fname: r.Fname,
        Msgs: r.Msgs,
        UsersCount: r.UsersCount,
        Ts: r.Ts,
        Lm: r.Lm,
        UpdatedAt: r.UpdatedAt,
        Open: r.Open ? true : null,
        Cl: false,
        WaitingResponse: r.WaitingResponse ? true : null,
        V: new RoomVisitorView(Id: r.VisitorId, Username: r.VisitorUsername, Token: null, Status: r.VisitorStatus,
            LastMessageTs: r.VisitorLastMessageTs),
        ServedBy: r.ServedById is { } sid ? new ServedByView(Id: sid, Username: r.ServedByUsername ?? "", Ts: r.ServedByTs ?? r.Ts) : null,
        DepartmentId: r.DepartmentId,
        Source: new SourceView(Type: r.SourceType, Destination: r.SourceDestination),
        QueuedAt: r.QueuedAt,
        ResponseBy: r.ResponseById is { } rid
            ? new ResponseByView(Id: rid, Username: r.ResponseByUsername ?? "", FirstResponseTs: r.FirstResponseTs ?? r.Ts,
                LastMessageTs: r.ResponseLastMessageTs ?? r.Ts)
            : null,
        LastMessage: LastMessageOf(r.LastMessage),
        Topic: r.Topic,
        Tags: r.Tags,
        LivechatData: r.LivechatData,
        PriorityId: r.PriorityId,
        PriorityWeight: r.PriorityWeight,
        SlaId: r.SlaId,
        EstimatedWaitingTimeQueue: r.EstimatedWaitingTimeQueue,
        Sms: Parse(r.Sms),
        ClosedAt: r.ClosedAt,
        ClosedBy: r.ClosedById is { } cid ? new ClosedByView(Id: cid, Username: r.ClosedByUsername ?? "") : null,
        Closer: r.Closer,
        Metrics: r.ChatDuration is { } d ? new MetricsView(ChatDuration: d, ServiceTimeDuration: r.ServiceTimeDuration) : null,
        CrmData: r.CrmData,
        Version: r.Version)
    { OnHold = r.OnHold ? true : null, SurveyFeedback = r.SurveyFeedback };

    /// <summary>
    /// What the widget needs of its own room: the visitor's token stays (it is theirs), the agents' side of the room
    /// (topic, tags, room custom fields, priority, SLA, <c>crmData</c>) does not travel to the visitor.
    /// </summary>
    public static RoomView ForVisitor(LivechatRoom r) => From(r) with
    {
        V = new RoomVisitorView(Id: r.VisitorId, Username: r.VisitorUsername, Token: r.VisitorToken, Status: r.VisitorStatus,
            LastMessageTs: r.VisitorLastMessageTs),
        Topic = null,
        Tags = null,
        LivechatData = null,
        PriorityId = null,
        SlaId = null,
        CrmData = null,
    };

    static JsonNode? Parse(string? json) => json is null ? null : JsonNode.Parse(json);

    /// <summary>The stored last message without the visitor's token (rows written before tokens left staff answers hold one).</summary>
    static JsonNode? LastMessageOf(string? json)
    {
        if (Parse(json) is not JsonObject message) return null;
        message.Remove("token");
        return message;
    }
}

public sealed record InquiryVisitorView([property: JsonPropertyName("_id")] string Id, string Username, string Status);

/// <summary>The inquiry (queue entry) on the wire, livechat-endpoints §4.2; staff-only, so without the visitor's token.</summary>
public sealed record InquiryView(
    [property: JsonPropertyName("_id")] string Id,
    string Rid,
    string Name,
    string Message,
    string Status,
    InquiryVisitorView V,
    string T,
    string? Department,
    DateTime Ts,
    DateTime QueuedAt,
    DateTime? TakenAt,
    [property: JsonPropertyName("_updatedAt")] DateTime UpdatedAt,
    string? PriorityId,
    int PriorityWeight,
    string? SlaId,
    int EstimatedWaitingTimeQueue,
    SourceView Source)
{
    public static InquiryView From(Inquiry i) => new(
        i.Id, i.Rid, i.Name, i.Message, i.Status, new InquiryVisitorView(i.VisitorId, i.VisitorUsername, i.VisitorStatus),
        "l", i.Department, i.Ts, i.QueuedAt, i.TakenAt, i.UpdatedAt, i.PriorityId, i.PriorityWeight, i.SlaId,
        i.EstimatedWaitingTimeQueue, new SourceView(i.SourceType, i.SourceDestination));
}

public sealed record LivechatRoomResponse(RoomView Room, bool NewRoom) : ApiResponse;
public sealed record RoomResponse(RoomView Room) : ApiResponse;
public sealed record RoomsResponse(IReadOnlyList<RoomView> Rooms, int Count, int Offset, int Total) : ApiResponse;
public sealed record CloseResponse(string Rid, string Comment) : ApiResponse;
public sealed record InquiriesResponse(IReadOnlyList<InquiryView> Inquiries, int Count, int Offset, int Total) : ApiResponse;
