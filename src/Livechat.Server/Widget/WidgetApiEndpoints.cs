using System.Text.Json.Nodes;
using Livechat.Server.BusinessHours;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Mail;
using Livechat.Server.Rooms;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Users;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Widget;

/// <summary>The REST endpoints the website widget calls besides the core visitor, room and message ones.</summary>
public static class WidgetApiEndpoints
{
    // GET  livechat/config                  none
    // GET  livechat/agent.info/{rid}/{token} none (visitor token)
    // GET  livechat/agent.next/{token}      none (visitor token)
    // POST livechat/page.visited            none (visitor token)
    // POST livechat/offline.message         none (1 / 5 s)
    public static IEndpointRouteBuilder MapWidgetApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/livechat").WithTags("Website widget");
        group.MapGet("/config", Config);
        group.MapGet("/agent.info/{rid}/{token}", AgentInfo);
        group.MapGet("/agent.next/{token}", NextAgent);
        group.MapPost("/page.visited", PageVisited);
        group.MapPost("/offline.message", OfflineMessage).WithRocketChatRateLimit(1, 5000);
        return app;
    }

    static readonly string[] ConfigQueryKeys = ["token", "department", "businessUnit"];

    static async Task<Results<Ok<WidgetConfigResponse>, ApiError>> Config(HttpRequest http, LivechatDb db, SettingsStore settings, TimeProvider time,
        CancellationToken ct)
    {
        if (http.Query.Keys.FirstOrDefault(k => !ConfigQueryKeys.Contains(k)) is not null)
        {
            return ApiError.InvalidParams("must NOT have additional properties");
        }
        if (!await settings.GetBoolAsync("Livechat_enabled", ct))
        {
            return TypedResults.Ok(new WidgetConfigResponse(new WidgetConfig(false, null, null, null, null, null, null, null, null, null, null, null, null)));
        }
        var token = http.Query["token"].ToString();
        var department = http.Query["department"].ToString() is { Length: > 0 } d ? d : null;
        var guest = token.Length > 0 ? await db.Visitors.AsNoTracking().FirstOrDefaultAsync(v => v.Token == token, ct) : null;
        var room = guest is null ? null : await RoomQueries.OpenRoomOfAsync(db, guest.Id, ct);
        var agent = room?.ServedById is { } agentId ? await WidgetQueries.AgentViewAsync(db, settings, agentId, ct) : null;
        var departments = await db.Departments.AsNoTracking().Where(x => x.Enabled && !x.Archived && x.NumAgents > 0)
            .OrderBy(x => x.Name).Select(x => new WidgetDepartment(x.Id, x.Name, x.ShowOnRegistration, x.ShowOnOfflineForm)).ToListAsync(ct);
        var origin = WidgetEndpoints.ServerUrl(http);
        var config = new WidgetConfig(
            true, await WidgetSettings.SettingsAsync(settings, ct), await WidgetSettings.ThemeAsync(settings, ct),
            await WidgetSettings.MessagesAsync(settings, ct),
            new WidgetSurvey(["satisfaction", "agentKnowledge", "agentResposiveness", "agentFriendliness"], ["1", "2", "3", "4", "5"]),
            await Triggers.TriggerCatalogue.ForWidgetAsync(db, ct), departments, new WidgetResources($"{origin}/sounds/chime.mp3", []),
            // Outside business hours the widget shows the offline form, whoever is available.
            await BusinessHourState.IsOpenAsync(db, settings, department, time.UtcNow(), ct) && await Routing.AcceptsChatsAsync(db, settings, department, ct),
            guest is null ? null : ConfigGuestView.From(guest), room is null ? null : ConfigRoomView.From(room), agent,
            room is { ServedById: null } ? await WidgetQueries.QueueInfoAsync(db, settings, room.Id, ct) : null);
        return TypedResults.Ok(new WidgetConfigResponse(config));
    }

    static async Task<Results<Ok<AgentInfoResponse>, ApiError>> AgentInfo(string rid, string token, LivechatDb db, SettingsStore settings,
        CancellationToken ct)
    {
        var visitor = await db.Visitors.AsNoTracking().FirstOrDefaultAsync(v => v.Token == token, ct);
        if (visitor is null) return ApiError.Failure("invalid-token");
        var room = await db.Rooms.AsNoTracking().FirstOrDefaultAsync(r => r.Id == rid && r.VisitorToken == token, ct);
        if (room is null) return ApiError.Failure("invalid-room");
        var agent = room.ServedById is { } id ? await WidgetQueries.AgentViewAsync(db, settings, id, ct) : null;
        return agent is null ? ApiError.Failure("invalid-agent") : TypedResults.Ok(new AgentInfoResponse(agent));
    }

    static async Task<Results<Ok<OptionalAgentResponse>, ApiError>> NextAgent(string token, HttpRequest http, LivechatDb db,
        SettingsStore settings, CancellationToken ct)
    {
        // Through the visitor's token index, not a scan of the rooms' tokens.
        var visitor = await db.Visitors.AsNoTracking().FirstOrDefaultAsync(v => v.Token == token, ct);
        if (visitor is not null && await RoomQueries.OpenRoomOfAsync(db, visitor.Id, ct) is not null)
        {
            return TypedResults.Ok(new OptionalAgentResponse(null));
        }
        var department = http.Query["department"].ToString() is { Length: > 0 } d ? d : null;
        var next = await Routing.SelectAgentAsync(db, settings, department, null, ct);
        if (next is null) return ApiError.Failure("agent-not-found");
        var agent = await WidgetQueries.AgentViewAsync(db, settings, next.Id, ct);
        return agent is null ? ApiError.Failure("invalid-agent") : TypedResults.Ok(new OptionalAgentResponse(agent));
    }

    static readonly ObjectSchema PageVisitedSchema = Schema.Object(
        ("token", Schema.String()), ("rid", Schema.String()),
        ("pageInfo", Schema.Object(("change", Schema.String()), ("title", Schema.String()),
            ("location", Schema.Object(("href", Schema.String())).Requires("href").AllowingAdditional()))
            .Requires("change", "title", "location").AllowingAdditional()))
        .Requires("token", "pageInfo");

    /// <summary>
    /// Accepted and checked, not recorded: this server keeps no navigation history (Rocket.Chat stores it as hidden
    /// <c>livechat_navigation_history</c> messages; see docs/compatibility.md). Answers as Rocket.Chat does when the
    /// change is not the monitored kind.
    /// </summary>
    static async Task<Results<Ok<PageVisitedResponse>, ApiError>> PageVisited(JsonBody body, LivechatDb db, CancellationToken ct)
    {
        var request = (JsonObject)PageVisitedSchema.Validate(body.Root)!;
        var token = (string)request["token"]!;
        if ((string?)request["rid"] is { } rid && !await db.Rooms.AsNoTracking().AnyAsync(r => r.Id == rid && r.VisitorToken == token, ct))
        {
            return ApiError.Failure("invalid-room");
        }
        return TypedResults.Ok(new PageVisitedResponse(null));
    }

    /// <summary>Every field bounded (anyone may send it); the message as <c>Message_MaxAllowedSize</c>'s default.</summary>
    static readonly ObjectSchema OfflineMessageSchema = Schema.Object(
        ("name", Schema.String().AtMost(Limits.MaxNameLength)), ("email", Schema.String().AtMost(Limits.MaxEmailLength)),
        ("message", Schema.String().AtMost(Limits.MaxOfflineMessageLength)), ("department", Schema.String().AtMost(Limits.MaxShortTextLength)),
        ("host", Schema.String().AtMost(Limits.MaxShortTextLength))).Requires("name", "email", "message");

    /// <summary>
    /// Rocket.Chat e-mails offline messages (to the department's address or <c>Livechat_offline_email</c>, through the mail
    /// outbox) and, when <c>Livechat_webhook_on_offline_msg</c> is on, hands them to the CRM webhook (<c>LivechatOfflineMessage</c>);
    /// both rows are written in one save.
    /// </summary>
    static async Task<Results<Ok<TextMessageResponse>, ApiError>> OfflineMessage(JsonBody body, LivechatDb db, SettingsStore settings,
        MailWorker mail, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)OfflineMessageSchema.Validate(body.Root)!;
        if (!await settings.GetBoolAsync("Livechat_display_offline_form", ct)
            || !EmailAddress.Pattern().IsMatch(((string)request["email"]!).Trim()))
        {
            return ApiError.Failure("Error sending Livechat offline message");
        }
        var now = time.UtcNow();
        var mailed = await OfflineMessages.EnqueueAsync(db, settings, (string)request["name"]!, ((string)request["email"]!).Trim(),
            (string)request["message"]!, (string?)request["department"], now, ct);
        if (await settings.GetBoolAsync("Livechat_webhook_on_offline_msg", ct)
            && await settings.GetStringAsync("Livechat_webhookUrl", ct) is { Length: > 0 })
        {
            var payload = new JsonObject
            {
                ["type"] = "LivechatOfflineMessage",
                ["sentAt"] = JsonSetup.FormatDate(now),
                ["visitor"] = new JsonObject { ["name"] = (string)request["name"]!, ["email"] = ((string)request["email"]!).Trim() },
                ["message"] = (string)request["message"]!,
            };
            db.OutboxMessages.Add(new Webhooks.OutboxMessage
            {
                Id = Ids.NewObjectId(), Type = "LivechatOfflineMessage", Payload = payload.ToJsonString(), CreatedAt = now, NextAttemptAt = now,
            });
        }
        if (db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(ct);
        if (mailed) mail.Wake();
        return TypedResults.Ok(new TextMessageResponse("Livechat offline message sent"));
    }
}
