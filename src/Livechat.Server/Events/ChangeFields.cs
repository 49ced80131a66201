using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.Http;
using Livechat.Server.Rooms;
using Livechat.Server.Visitors;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Livechat.Server.Events;

/// <summary>
/// The tracked fields of rooms and visitors, by wire name, and how to read them from an EF entry. Only these appear in
/// <see cref="ChangeEvent.Changes"/>; bookkeeping (<c>msgs</c>, <c>lm</c>, <c>lastMessage</c>, <c>_updatedAt</c>,
/// <c>_version</c>, response metrics, the denormalised <c>v.status</c>) changes with every message and is left out.
/// </summary>
public static class ChangeFields
{
    /// <summary>A tracked field: audited fields form the audit log and the <c>room.updated</c> webhook's changes.</summary>
    sealed record Field(string Name, bool Audited, Func<Func<string, object?>, JsonNode?> Read);

    static Field Plain(string name, string property, bool audited = true) => new(name, audited, get => ToJson(get(property)));

    static Field Person(string name, string idProperty, string usernameProperty) => new(name, true, get =>
        get(idProperty) is string id ? new JsonObject { ["_id"] = id, ["username"] = get(usernameProperty) as string } : null);

    static readonly Field[] RoomFields =
    [
        Plain("fname", nameof(LivechatRoom.Fname)),
        Plain("topic", nameof(LivechatRoom.Topic)),
        Plain("tags", nameof(LivechatRoom.Tags)),
        Plain("livechatData", nameof(LivechatRoom.LivechatData)),
        Plain("priorityId", nameof(LivechatRoom.PriorityId)),
        Plain("slaId", nameof(LivechatRoom.SlaId)),
        Plain("departmentId", nameof(LivechatRoom.DepartmentId)),
        Person("servedBy", nameof(LivechatRoom.ServedById), nameof(LivechatRoom.ServedByUsername)),
        Plain("open", nameof(LivechatRoom.Open)),
        Plain("closedAt", nameof(LivechatRoom.ClosedAt)),
        Person("closedBy", nameof(LivechatRoom.ClosedById), nameof(LivechatRoom.ClosedByUsername)),
        Plain("closer", nameof(LivechatRoom.Closer)),
        Plain("crmData", nameof(LivechatRoom.CrmData)),
    ];

    static readonly Field[] VisitorFields =
    [
        Plain("visitor.name", nameof(Visitor.Name)),
        Plain("visitor.email", nameof(Visitor.Email)),
        Plain("visitor.phone", nameof(Visitor.Phone)),
        Plain("visitor.livechatData", nameof(Visitor.LivechatData)),
        Plain("visitor.department", nameof(Visitor.Department)),
        // Presence, not an edit: realtime wants it, the audit log does not.
        Plain("visitor.status", nameof(Visitor.Status), audited: false),
    ];

    static readonly HashSet<string> Audited = RoomFields.Concat(VisitorFields).Where(f => f.Audited).Select(f => f.Name).ToHashSet();

    public static bool IsAudited(string field) => Audited.Contains(field);

    /// <summary>
    /// Whether a change to this field sends <c>room.updated</c>: every audited field but <c>crmData</c>, which the
    /// webhook's own answer writes (sending for it would loop).
    /// </summary>
    public static bool TriggersWebhook(string field) => IsAudited(field) && field != "crmData";

    /// <summary>The audited ones among <paramref name="changes"/> as <c>{"field":{"from","to"}}</c>, as the webhook and a dry run show them.</summary>
    public static JsonObject AuditedJson(IEnumerable<KeyValuePair<string, FieldChange>> changes) =>
        new(changes.Where(c => IsAudited(c.Key)).Select(c => KeyValuePair.Create(c.Key,
            (JsonNode?)new JsonObject { ["from"] = c.Value.From?.DeepClone(), ["to"] = c.Value.To?.DeepClone() })));

    /// <summary>The changed tracked fields of a modified room entry (empty for added or unchanged entries).</summary>
    public static Dictionary<string, FieldChange> OfRoom(EntityEntry entry) => Diff(entry, RoomFields);

    /// <summary>The changed tracked fields of a modified visitor entry.</summary>
    public static Dictionary<string, FieldChange> OfVisitor(EntityEntry entry) => Diff(entry, VisitorFields);

    static Dictionary<string, FieldChange> Diff(EntityEntry entry, Field[] fields)
    {
        var changes = new Dictionary<string, FieldChange>();
        if (entry.State != Microsoft.EntityFrameworkCore.EntityState.Modified) return changes;
        foreach (var field in fields)
        {
            var from = field.Read(p => entry.Property(p).OriginalValue);
            var to = field.Read(p => entry.Property(p).CurrentValue);
            if (!JsonNode.DeepEquals(from, to))
            {
                changes[field.Name] = new FieldChange(from, to);
            }
        }
        return changes;
    }

    /// <summary>A property value as JSON, dates in Rocket.Chat's form.</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        DateTime d => JsonValue.Create(JsonSetup.FormatDate(d)),
        _ => JsonSerializer.SerializeToNode(value, JsonSetup.Options),
    };
}
