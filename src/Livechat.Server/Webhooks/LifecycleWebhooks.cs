using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Http;
using Livechat.Server.Rooms;
using Livechat.Server.Settings;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Webhooks;

/// <summary>
/// Rocket.Chat's conversation-lifecycle CRM calls, made from the change events of one save and queued in the outbox in
/// the same transaction (<see cref="ChangeInterceptor"/>), each behind its setting:
/// <c>LivechatSessionStart</c> (<c>Livechat_webhook_on_start</c>, a room opened), <c>LivechatSessionQueued</c>
/// (<c>Livechat_webhook_on_chat_queued</c>, its inquiry queued), <c>LivechatSessionTaken</c>
/// (<c>Livechat_webhook_on_chat_taken</c>, an agent assigned), <c>LivechatSessionForwarded</c>
/// (<c>Livechat_webhook_on_forward</c>, a transfer), <c>LivechatSession</c> (<c>Livechat_webhook_on_close</c>, with the
/// messages), <c>Message</c> (<c>Livechat_webhook_on_visitor_message</c>, <c>Livechat_webhook_on_agent_message</c>) and
/// <c>LeadCapture</c> (<c>Livechat_webhook_on_capture</c>, a visitor message holding an e-mail address or a phone number).
/// The payload is Rocket.Chat's <c>getLivechatRoomGuestInfo</c> plus <c>type</c>, the fields each type adds, and
/// <c>messages</c>. With every setting off an event costs a type test and cached setting reads: no document is parsed.
/// </summary>
static class LifecycleWebhooks
{
    public const string Start = "LivechatSessionStart";
    public const string Queued = "LivechatSessionQueued";
    public const string Taken = "LivechatSessionTaken";
    public const string Forwarded = "LivechatSessionForwarded";
    public const string Session = "LivechatSession";
    public const string MessageType = "Message";
    public const string LeadCapture = "LeadCapture";

    const string TransferMessage = "livechat_transfer_history";
    const string ClosingMessage = "livechat-close";

    public static async ValueTask EnqueueAsync(LivechatDb db, IReadOnlyList<ChangeEvent> events, SettingsStore settings, List<OutboxMessage> added,
        CancellationToken ct)
    {
        List<(string Type, ChangeEvent Change, JsonObject Room, JsonArray? Messages, JsonObject? Extra)>? calls = null;
        foreach (var change in events)
        {
            if (change.RoomId is null) continue;
            switch (change.Type)
            {
                case ChangeTypes.RoomOpened when change.Room is { } room:
                    if (await settings.GetBoolInHandAsync("Livechat_webhook_on_start", ct)) (calls ??= []).Add((Start, change, room.Node, null, null));
                    if (change.AgentId is not null && await settings.GetBoolInHandAsync("Livechat_webhook_on_chat_taken", ct))
                    {
                        (calls ??= []).Add((Taken, change, room.Node, null, null));
                    }
                    break;
                case ChangeTypes.InquiryQueued:
                    if (await settings.GetBoolInHandAsync("Livechat_webhook_on_chat_queued", ct) && RoomOf(db, events, change.RoomId) is { } queued)
                    {
                        (calls ??= []).Add((Queued, queued.Change, queued.Room, null, null));
                    }
                    break;
                case ChangeTypes.RoomAssigned or ChangeTypes.RoomUpdated when change.Room is { } room
                    && (change.Changes.ContainsKey("servedBy") || change.Changes.ContainsKey("departmentId")):
                    var onForward = await settings.GetBoolInHandAsync("Livechat_webhook_on_forward", ct);
                    var onTaken = await settings.GetBoolInHandAsync("Livechat_webhook_on_chat_taken", ct);
                    if (!onForward && !onTaken) break;   // before IsTransfer, which parses the save's messages
                    if (IsTransfer(events, change.RoomId))
                    {
                        if (!onForward) break;
                        var extra = new JsonObject();
                        if (change.Changes.TryGetValue("departmentId", out var department)) extra["oldDepartmentId"] = department.From?.DeepClone();
                        if (change.Changes.TryGetValue("servedBy", out var agent)) extra["oldServedBy"] = agent.From?.DeepClone();
                        (calls ??= []).Add((Forwarded, change, room.Node, null, extra));
                    }
                    else if (onTaken && change.Changes.TryGetValue("servedBy", out var served) && served.From is null && served.To is not null)
                    {
                        (calls ??= []).Add((Taken, change, room.Node, null, null));
                    }
                    break;
                case ChangeTypes.RoomClosed when change.Room is { } room:
                    if (!await settings.GetBoolInHandAsync("Livechat_webhook_on_close", ct)) break;
                    var visitorId = (string)room.Node["v"]!["_id"]!;
                    var messages = await LivechatEditWebhook.MessagesAsync(db, change.RoomId, visitorId, ct);
                    // The closing message is in this save, not yet in the table.
                    foreach (var closing in events.Where(e => e.Type == ChangeTypes.MessageCreated && e.RoomId == change.RoomId
                        && (string?)e.Message?["t"] == ClosingMessage))
                    {
                        messages.Add(MessageItem(closing.Message!.Node, visitorId, closing: true));
                    }
                    (calls ??= []).Add((Session, change, room.Node, messages, null));
                    break;
                case ChangeTypes.MessageCreated when change.Room is { } room && change.Message is { } message:
                    // The settings first: a message's documents are parsed only when one of its calls is on (the hot path).
                    var onVisitorMessage = await settings.GetBoolInHandAsync("Livechat_webhook_on_visitor_message", ct);
                    var onAgentMessage = await settings.GetBoolInHandAsync("Livechat_webhook_on_agent_message", ct);
                    var onCapture = await settings.GetBoolInHandAsync("Livechat_webhook_on_capture", ct);
                    if (!onVisitorMessage && !onAgentMessage && !onCapture || message["t"] is not null) break;
                    var roomVisitor = (string)room.Node["v"]!["_id"]!;
                    var fromVisitor = (string?)message["u"]?["_id"] == roomVisitor;
                    if (fromVisitor ? onVisitorMessage : onAgentMessage)
                    {
                        (calls ??= []).Add((MessageType, change, room.Node, [MessageItem(message.Node, roomVisitor, closing: false)], null));
                    }
                    if (fromVisitor && onCapture && await CapturedAsync(settings, (string?)message["msg"] ?? "", ct) is { } lead)
                    {
                        (calls ??= []).Add((LeadCapture, change, room.Node, null, lead));
                    }
                    break;
            }
        }
        if (calls is null || (await settings.GetStringAsync("Livechat_webhookUrl", ct)).Length == 0) return;

        var slots = new Dictionary<string, int>();
        foreach (var (type, change, room, messages, extra) in calls)
        {
            var version = change.RoomVersion ?? (int?)room["_version"] ?? 0;
            var slot = slots.GetValueOrDefault(change.RoomId!, OutboxMessage.FirstLifecycleSlot);
            slots[change.RoomId!] = slot + 1;
            var payload = await PayloadAsync(db, type, room, messages, extra, ct);
            var row = new OutboxMessage
            {
                Id = Ids.NewObjectId(), Type = type, RoomId = change.RoomId, Payload = payload.ToJsonString(),
                CreatedAt = change.Ts, NextAttemptAt = change.Ts, OrderKey = OutboxMessage.Order(version, slot),
            };
            db.OutboxMessages.Add(row);
            added.Add(row);
        }
    }

    /// <summary>Rocket.Chat's <c>getLivechatRoomGuestInfo</c>, <c>type</c>, the type's own fields and the messages.</summary>
    static async Task<JsonObject> PayloadAsync(LivechatDb db, string type, JsonObject room, JsonArray? messages, JsonObject? extra,
        CancellationToken ct)
    {
        var visitorId = (string)room["v"]!["_id"]!;
        var visitor = await db.Visitors.AsNoTracking().FirstOrDefaultAsync(v => v.Id == visitorId, ct);
        var visitorData = visitor is null ? new JsonObject { ["_id"] = visitorId } : LivechatEditWebhook.VisitorData(visitor);
        var servedBy = (string?)room["servedBy"]?["_id"];
        var payload = new JsonObject
        {
            ["_id"] = room["_id"]?.DeepClone(),
            ["label"] = room["fname"]?.DeepClone(),
            ["topic"] = room["topic"]?.DeepClone(),
            ["createdAt"] = room["ts"]?.DeepClone(),
            ["lastMessageAt"] = room["lm"]?.DeepClone(),
            ["tags"] = room["tags"]?.DeepClone(),
            ["customFields"] = room["livechatData"]?.DeepClone(),
            ["visitor"] = visitorData,
            ["agent"] = await LivechatEditWebhook.AgentAsync(db, servedBy, ct),
            ["crmData"] = room["crmData"]?.DeepClone(),
            ["type"] = type,
        };
        // getAdditionalFieldsByType (Rocket.Chat spells the start event "LivechatSessionStarted" there, so it adds none).
        string[] fields = type switch
        {
            Queued => ["departmentId"],
            Taken => ["departmentId", "servedBy"],
            Forwarded => ["departmentId", "servedBy"],
            Session => ["departmentId", "servedBy", "closedAt", "closedBy", "closer", "surveyFeedback"],
            _ => [],
        };
        foreach (var field in fields) payload[field] = room[field]?.DeepClone();
        if (type == LeadCapture && extra is not null)
        {
            // The addresses found in the message join the visitor's, as Rocket.Chat's saveGuestEmailPhoneById shows them.
            if (extra["emails"] is JsonArray { Count: > 0 } emails) visitorData["email"] = Merge(visitorData["email"], emails, "address");
            if (extra["phones"] is JsonArray { Count: > 0 } phones) visitorData["phone"] = Merge(visitorData["phone"], phones, "phoneNumber");
        }
        else if (extra is not null)
        {
            foreach (var (key, value) in extra) payload[key] = value?.DeepClone();
        }
        if (messages is not null) payload["messages"] = messages;
        return (JsonObject)LivechatEditWebhook.WithoutNulls(payload);
    }

    static JsonArray Merge(JsonNode? existing, JsonArray found, string key)
    {
        var list = existing is JsonArray current ? (JsonArray)current.DeepClone() : [];
        foreach (var value in found.Select(v => (string)v!))
        {
            if (!list.Any(e => (string?)e?[key] == value)) list.Add(new JsonObject { [key] = value });
        }
        return list;
    }

    /// <summary>A message as Rocket.Chat's <c>sendToCRM</c> lists it.</summary>
    static JsonObject MessageItem(JsonObject message, string visitorId, bool closing)
    {
        var userId = (string?)message["u"]?["_id"];
        return new JsonObject
        {
            ["_id"] = message["_id"]?.DeepClone(),
            ["username"] = message["u"]?["username"]?.DeepClone(),
            ["msg"] = message["msg"]?.DeepClone(),
            ["ts"] = message["ts"]?.DeepClone(),
            ["rid"] = message["rid"]?.DeepClone(),
            ["agentId"] = userId == visitorId ? null : userId,
            ["closingMessage"] = closing ? true : null,
            ["_updatedAt"] = message["_updatedAt"]?.DeepClone(),
        };
    }

    static bool IsTransfer(IReadOnlyList<ChangeEvent> events, string roomId) =>
        events.Any(e => e.Type == ChangeTypes.MessageCreated && e.RoomId == roomId && (string?)e.Message?["t"] == TransferMessage);

    /// <summary>The room of an inquiry event: its room's event in the same save, else the tracked room.</summary>
    static (ChangeEvent Change, JsonObject Room)? RoomOf(LivechatDb db, IReadOnlyList<ChangeEvent> events, string roomId)
    {
        if (events.FirstOrDefault(e => e.RoomId == roomId && e.Room is not null && e.Type.StartsWith("room.", StringComparison.Ordinal)) is { } change)
        {
            return (change, change.Room!.Node);
        }
        if (db.Rooms.Local.FirstOrDefault(r => r.Id == roomId) is { } room)
        {
            return (ChangeEvents.ForRoom(ChangeTypes.RoomUpdated, room, ts: room.UpdatedAt), ChangeEvents.Document(RoomView.From(room)).Node);
        }
        return null;
    }

    /// <summary>The e-mail addresses and phone numbers in a visitor's message (<c>Livechat_lead_*_regex</c>), or null when none.</summary>
    static async Task<JsonObject?> CapturedAsync(SettingsStore settings, string text, CancellationToken ct)
    {
        var emails = Matches(await settings.GetStringAsync("Livechat_lead_email_regex", ct), text, RegexOptions.IgnoreCase);
        var phones = Matches(await settings.GetStringAsync("Livechat_lead_phone_regex", ct), text, RegexOptions.None);
        if (emails.Count == 0 && phones.Count == 0) return null;
        return new JsonObject
        {
            ["emails"] = new JsonArray([.. emails.Select(e => JsonValue.Create(e))]),
            ["phones"] = new JsonArray([.. phones.Select(p => JsonValue.Create(p))]),
        };
    }

    static List<string> Matches(string pattern, string text, RegexOptions options)
    {
        if (pattern.Length == 0) return [];
        try
        {
            return [.. Regex.Matches(text, pattern, options, TimeSpan.FromMilliseconds(100)).Select(m => m.Value).Where(v => v.Length > 0).Distinct()];
        }
        catch (Exception e) when (e is ArgumentException or RegexMatchTimeoutException)
        {
            // An admin's broken or runaway pattern captures nothing rather than failing the visitor's message.
            return [];
        }
    }
}
