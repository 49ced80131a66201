using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Http;
using Livechat.Server.Settings;

namespace Livechat.Server.Webhooks;

/// <summary>
/// The <c>room.updated</c> webhook (<c>Livechat_webhook_on_room_updated</c>): for every committed change of a room's
/// audited fields, open or closed, one outbox row in the same transaction, delivered to <c>Livechat_webhookUrl</c> by
/// <see cref="WebhookWorker"/> with the same retries as <c>LivechatEdit</c>, in order per room, signed in
/// <c>X-Livechat-Signature</c>. <c>crmData</c> alone sends nothing: the webhook's own answer writes it.
/// </summary>
static class RoomUpdatedWebhook
{
    public const string Type = "room.updated";

    public static async ValueTask<OutboxMessage?> EnqueueAsync(LivechatDb db, ChangeEvent change, SettingsStore settings, CancellationToken ct)
    {
        if (change.RoomId is null || change.Room is null || !change.Changes.Keys.Any(ChangeFields.TriggersWebhook)) return null;
        if (!await settings.GetBoolAsync("Livechat_webhook_on_room_updated", ct)) return null;
        if ((await settings.GetStringAsync("Livechat_webhookUrl", ct)).Length == 0) return null;

        var payload = new JsonObject
        {
            ["event"] = Type,
            ["room"] = change.Room.Parse(),
            ["changes"] = ChangeFields.AuditedJson(change.Changes),
        };
        if (change.Actor.Id is { } id)
        {
            payload["actor"] = new JsonObject { ["_id"] = id, ["username"] = change.Actor.Username, ["type"] = change.Actor.Type };
        }
        payload["ts"] = JsonSetup.FormatDate(change.Ts);
        var row = new OutboxMessage
        {
            Id = Ids.NewObjectId(), Type = Type, RoomId = change.RoomId, Payload = payload.ToJsonString(JsonSetup.Options),
            CreatedAt = change.Ts, NextAttemptAt = change.Ts, OrderKey = OutboxMessage.Order(change.RoomVersion ?? 0, OutboxMessage.RoomUpdatedSlot),
        };
        db.OutboxMessages.Add(row);
        return row;
    }
}
