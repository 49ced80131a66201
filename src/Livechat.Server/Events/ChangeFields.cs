using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.Http;
using Livechat.Server.Rooms;
using Livechat.Server.Visitors;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Livechat.Server.Events;

/// <summary>
/// The tracked fields of rooms and visitors, by wire name, and how to read them from an EF entry. They are declared on
/// the entities with <see cref="TrackedAttribute"/> and read here once; only these appear in
/// <see cref="ChangeEvent.Changes"/>, so bookkeeping (<c>msgs</c>, <c>lm</c>, <c>lastMessage</c>, <c>_updatedAt</c>,
/// <c>_version</c>, response metrics) that changes with every message is left out.
/// </summary>
public static class ChangeFields
{
    /// <summary>A tracked field: audited fields form the audit log and the <c>room.updated</c> webhook's changes.</summary>
    sealed record Field(string Name, bool Audited, bool Webhook, string Property, string? UsernameProperty)
    {
        public JsonNode? Read(Func<string, object?> get) => UsernameProperty is null ? ToJson(get(Property))
            : get(Property) is string id ? new JsonObject { ["_id"] = id, ["username"] = get(UsernameProperty) as string } : null;
    }

    static readonly Field[] RoomFields = Declared<LivechatRoom>();
    static readonly Field[] VisitorFields = Declared<Visitor>();
    static readonly Dictionary<string, Field> ByName = RoomFields.Concat(VisitorFields).ToDictionary(f => f.Name);

    /// <summary>The <see cref="TrackedAttribute"/> properties of <typeparamref name="T"/>, in declaration order.</summary>
    static Field[] Declared<T>() =>
        typeof(T).GetProperties().OrderBy(p => p.MetadataToken)
            .Select(p => (Property: p, Tracked: p.GetCustomAttribute<TrackedAttribute>()))
            .Where(p => p.Tracked is not null)
            .Select(p => new Field(p.Tracked!.Name, p.Tracked.Audited, p.Tracked.Webhook, p.Property.Name, p.Tracked.Username))
            .ToArray();

    /// <summary>Every tracked field by wire name, with whether it is audited (rooms first, then visitors).</summary>
    public static IEnumerable<(string Name, bool Audited)> All => RoomFields.Concat(VisitorFields).Select(f => (f.Name, f.Audited));

    public static bool IsAudited(string field) => ByName.TryGetValue(field, out var f) && f.Audited;

    /// <summary>Whether a change to this field sends <c>room.updated</c>: every audited field not declared otherwise.</summary>
    public static bool TriggersWebhook(string field) => ByName.TryGetValue(field, out var f) && f.Audited && f.Webhook;

    /// <summary>The audited ones among <paramref name="changes"/> as <c>{"field":{"from","to"}}</c>, as the webhook and a dry run show them.</summary>
    public static JsonObject AuditedJson(IEnumerable<KeyValuePair<string, FieldChange>> changes) =>
        new(changes.Where(c => IsAudited(c.Key)).Select(c => KeyValuePair.Create(c.Key,
            (JsonNode?)new JsonObject { ["from"] = c.Value.From?.DeepClone(), ["to"] = c.Value.To?.DeepClone() })));

    /// <summary>The changed tracked fields of a modified room entry (empty for added or unchanged entries).</summary>
    public static Dictionary<string, FieldChange> OfRoom(EntityEntry entry) => Diff(entry, RoomFields);

    /// <summary>The changed tracked fields of a modified visitor entry.</summary>
    public static Dictionary<string, FieldChange> OfVisitor(EntityEntry entry) => Diff(entry, VisitorFields);

    /// <summary>The changed tracked fields between two copies of a room (a bulk update's rows before and after).</summary>
    public static Dictionary<string, FieldChange> OfRoom(LivechatRoom before, LivechatRoom after) =>
        Diff(RoomFields, p => typeof(LivechatRoom).GetProperty(p)!.GetValue(before), p => typeof(LivechatRoom).GetProperty(p)!.GetValue(after));

    /// <summary>
    /// Only the fields whose properties EF Core found modified are compared as JSON: a save changes a few of a room's
    /// tracked fields, and reading the others as JSON (tags, custom fields) would cost every save for nothing.
    /// </summary>
    static Dictionary<string, FieldChange> Diff(EntityEntry entry, Field[] fields) =>
        entry.State != Microsoft.EntityFrameworkCore.EntityState.Modified ? []
            : Diff(fields, p => entry.Property(p).OriginalValue, p => entry.Property(p).CurrentValue,
                f => entry.Property(f.Property).IsModified || (f.UsernameProperty is { } u && entry.Property(u).IsModified));

    static Dictionary<string, FieldChange> Diff(Field[] fields, Func<string, object?> original, Func<string, object?> current,
        Func<Field, bool>? mayDiffer = null)
    {
        var changes = new Dictionary<string, FieldChange>();
        foreach (var field in fields)
        {
            if (mayDiffer is not null && !mayDiffer(field)) continue;
            var from = field.Read(original);
            var to = field.Read(current);
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
