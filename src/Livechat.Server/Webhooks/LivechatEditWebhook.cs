using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Rooms;
using Livechat.Server.Visitors;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Webhooks;

/// <summary>The <c>LivechatEdit</c> CRM payload (room-saveInfo §8), built from the state after the writes and queued in the outbox.</summary>
public static class LivechatEditWebhook
{
    public const string Type = "LivechatEdit";

    public static async Task EnqueueAsync(LivechatDb db, LivechatRoom room, Visitor visitor, DateTime now, CancellationToken ct)
    {
        var payload = new JsonObject
        {
            ["_id"] = room.Id,
            ["label"] = room.Fname,
            ["topic"] = room.Topic,
            ["createdAt"] = JsonSetup.FormatDate(room.Ts),
            ["lastMessageAt"] = room.Lm is { } lm ? JsonSetup.FormatDate(lm) : null,
            ["tags"] = room.Tags is { Count: > 0 } tags ? new JsonArray([.. tags.Select(t => JsonValue.Create(t))]) : null,
            ["customFields"] = Map(room.LivechatData),
            ["visitor"] = VisitorData(visitor),
            ["agent"] = await AgentAsync(db, room, ct),
            ["crmData"] = room.CrmData,
            ["type"] = "LivechatEdit",
            ["messages"] = await MessagesAsync(db, room, ct),
        };
        db.OutboxMessages.Add(new OutboxMessage
        {
            Id = Ids.NewObjectId(), Type = Type, RoomId = room.Id, Payload = WithoutNulls(payload).ToJsonString(),
            // Placed after the version the save commits (Events/SaveConventions.cs).
            CreatedAt = now, NextAttemptAt = now, OrderKey = OutboxMessage.Order(room.Version, OutboxMessage.EditSlot),
        });
    }

    internal static JsonObject VisitorData(Visitor v) => new()
    {
        ["_id"] = v.Id,
        ["token"] = v.Token,
        ["name"] = v.Name,
        ["username"] = v.Username,
        ["department"] = v.Department,
        ["ip"] = v.Ip,
        ["customFields"] = Map(v.LivechatData),
        ["email"] = v.Email is { } email ? new JsonArray(new JsonObject { ["address"] = email }) : null,
        ["phone"] = v.Phone is { } phone ? new JsonArray(new JsonObject { ["phoneNumber"] = phone }) : null,
    };

    static Task<JsonObject?> AgentAsync(LivechatDb db, LivechatRoom room, CancellationToken ct) => AgentAsync(db, room.ServedById, ct);

    internal static async Task<JsonObject?> AgentAsync(LivechatDb db, string? agentId, CancellationToken ct)
    {
        if (agentId is null) return null;
        var agent = await db.Users.AsNoTracking().Where(u => u.Id == agentId)
            .Select(u => new { u.Id, u.Username, u.Name, u.Email }).SingleOrDefaultAsync(ct);
        return agent is null ? null : new JsonObject
        {
            ["_id"] = agent.Id, ["username"] = agent.Username, ["name"] = agent.Name, ["email"] = agent.Email,
        };
    }

    /// <summary>Every message by <c>ts</c>, typed system messages left out except the closing one.</summary>
    static Task<JsonArray> MessagesAsync(LivechatDb db, LivechatRoom room, CancellationToken ct) => MessagesAsync(db, room.Id, room.VisitorId, ct);

    internal static async Task<JsonArray> MessagesAsync(LivechatDb db, string roomId, string visitorId, CancellationToken ct)
    {
        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.Rid == roomId && m.DeletedAt == null && (m.T == null || m.T == "livechat-close"))
            .OrderBy(m => m.Ts)
            .Select(m => new { m.Id, m.Username, m.Msg, m.Ts, m.Rid, m.UpdatedAt, m.UserId, m.T })
            .ToListAsync(ct);
        return new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject
        {
            ["_id"] = m.Id,
            ["username"] = m.Username,
            ["msg"] = m.Msg,
            ["ts"] = JsonSetup.FormatDate(m.Ts),
            ["rid"] = m.Rid,
            ["agentId"] = m.UserId == visitorId ? null : m.UserId,
            ["closingMessage"] = m.T == "livechat-close" ? true : null,
            ["_updatedAt"] = JsonSetup.FormatDate(m.UpdatedAt),
        })]);
    }

    internal static JsonObject? Map(Dictionary<string, string>? values) =>
        values is null ? null : new JsonObject(values.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));

    /// <summary>Absent values are omitted from the payload.</summary>
    internal static JsonNode WithoutNulls(JsonNode node)
    {
        if (node is JsonObject obj)
        {
            foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList())
            {
                obj.Remove(key);
            }
            foreach (var (_, value) in obj)
            {
                WithoutNulls(value!);
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                if (item is not null) WithoutNulls(item);
            }
        }
        return node;
    }
}
