using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Livechat.Server.Http;
using Livechat.Server.Rooms;
using Livechat.Server.Users;
using Livechat.Server.Visitors;

namespace Livechat.Server.Widget;

public sealed record AgentEmail(string Address, bool Verified);

/// <summary>
/// The serving agent as the widget shows it (Rocket.Chat's <c>normalizeAgent</c>): name, username, status and, when
/// <c>Livechat_show_agent_email</c> is on, the e-mail; or only <c>{"hiddenInfo": true}</c> when
/// <c>Livechat_show_agent_info</c> is off.
/// </summary>
public sealed record AgentInfoView(
    [property: JsonPropertyName("_id")] string? Id,
    string? Username,
    string? Name,
    string? Status,
    IReadOnlyList<AgentEmail>? Emails,
    bool? HiddenInfo)
{
    public static AgentInfoView Hidden { get; } = new(null, null, null, null, null, true);

    public static AgentInfoView From(User u, bool showEmail) => new(u.Id, u.Username, u.Name, u.Status,
        showEmail && u.Email is { } e ? [new AgentEmail(e, u.EmailVerified)] : null, null);
}

/// <summary>The visitor in <c>livechat/config</c> (Rocket.Chat's projection: name, username, token, e-mails, department).</summary>
public sealed record ConfigGuestView(
    [property: JsonPropertyName("_id")] string Id, string? Name, string Username, string Token,
    IReadOnlyList<VisitorEmail>? VisitorEmails, string? Department)
{
    public static ConfigGuestView From(Visitor v) => new(v.Id, v.Name, v.Username, v.Token, VisitorView.EmailsOf(v), v.Department);
}

/// <summary>The visitor's open room in <c>livechat/config</c> (projection: departmentId, servedBy, open).</summary>
public sealed record ConfigRoomView([property: JsonPropertyName("_id")] string Id, string? DepartmentId, ServedByView? ServedBy, bool Open)
{
    public static ConfigRoomView From(LivechatRoom r) => new(r.Id, r.DepartmentId,
        r.ServedById is { } sid ? new ServedByView(sid, r.ServedByUsername ?? "", r.ServedByTs ?? r.Ts) : null, r.Open);
}

public sealed record QueueMessageUser([property: JsonPropertyName("_id")] string Id, string Username);

public sealed record QueueMessage(string Text, QueueMessageUser User);

/// <summary>A queued room's place: 1-based <c>spot</c>, the waiting message when one is configured, and the estimated wait.</summary>
public sealed record QueueInfoView(int Spot, QueueMessage? Message, double? EstimatedWaitTimeSeconds);

public sealed record WidgetDepartment([property: JsonPropertyName("_id")] string Id, string Name, bool ShowOnRegistration, bool ShowOnOfflineForm);

public sealed record WidgetResources(string Sound, IReadOnlyList<object> Emojis);

public sealed record WidgetSurvey(IReadOnlyList<string> Items, IReadOnlyList<string> Values);

/// <summary>What the widget reads from <c>livechat/config</c>; the settings groups come from the stored settings.</summary>
public sealed record WidgetConfig(
    bool Enabled,
    JsonObject? Settings,
    JsonObject? Theme,
    JsonObject? Messages,
    WidgetSurvey? Survey,
    IReadOnlyList<Triggers.WidgetTrigger>? Triggers,
    IReadOnlyList<WidgetDepartment>? Departments,
    WidgetResources? Resources,
    bool? Online,
    ConfigGuestView? Guest,
    ConfigRoomView? Room,
    AgentInfoView? Agent,
    QueueInfoView? QueueInfo);

public sealed record WidgetConfigResponse(WidgetConfig Config) : ApiResponse;
public sealed record AgentInfoResponse(AgentInfoView Agent) : ApiResponse;
public sealed record OptionalAgentResponse(AgentInfoView? Agent) : ApiResponse;
public sealed record TextMessageResponse(string Message) : ApiResponse;
public sealed record PageVisitedResponse(JsonObject? Page) : ApiResponse;
