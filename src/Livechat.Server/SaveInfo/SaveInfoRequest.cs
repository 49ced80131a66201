using System.Text.Json.Nodes;
using Livechat.Server.Http;

namespace Livechat.Server.SaveInfo;

/// <summary>A key of the request: whether it was sent at all, and its value (which may be <c>null</c>).</summary>
public readonly record struct Sent<T>(bool IsSent, T? Value);

/// <summary>
/// The validated, coerced body of <c>room.saveInfo</c> (room-saveInfo.md §3). The guest's keys are plain values, as
/// Rocket.Chat treats an absent and a null one alike; the room's keys are <see cref="Sent{T}"/> where an absent key and
/// a null one mean different things (§5: a null <c>topic</c> is ignored, a null <c>priorityId</c> removes the priority).
/// </summary>
public sealed record SaveInfoRequest
{
    public static readonly ObjectSchema Shape = Schema.Object(
        ("guestData", Schema.Object(
            ("_id", Schema.String()),
            ("name", Schema.String().AtMost(Limits.MaxNameLength).OrNull()),
            ("email", Schema.String().OrNull()),
            ("phone", Schema.String().OrNull()),
            ("livechatData", ObjectSchema.MapOf(Schema.String()).OrNull())).Requires("_id")),
        ("roomData", Schema.Object(
            ("_id", Schema.String()),
            ("topic", Schema.String().OrNull()),
            ("tags", Schema.Array(Schema.String().AtMost(Limits.MaxTagLength)).AtMost(Limits.MaxTags).OrNull()),
            ("livechatData", Schema.Object().AllowingAdditional().OrNull()),
            ("priorityId", Schema.String().OrNull()),
            ("slaId", Schema.String().OrNull())).Requires("_id")))
        .Requires("guestData", "roomData");

    public required string VisitorId { get; init; }
    public string? Name { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public JsonObject? VisitorData { get; init; }

    public required string RoomId { get; init; }
    public Sent<string> Topic { get; init; }
    public Sent<IReadOnlyList<string>> Tags { get; init; }
    public JsonObject? RoomData { get; init; }
    public Sent<string> PriorityId { get; init; }
    public Sent<string> SlaId { get; init; }

    /// <summary>Validates <paramref name="body"/> against <see cref="Shape"/> (throwing the envelope's 400) and reads it.</summary>
    public static SaveInfoRequest From(JsonNode? body)
    {
        var valid = Shape.Validate(body)!.AsObject();
        var guest = valid["guestData"]!.AsObject();
        var room = valid["roomData"]!.AsObject();
        return new SaveInfoRequest
        {
            VisitorId = (string)guest["_id"]!,
            Name = (string?)guest["name"],
            Email = (string?)guest["email"],
            Phone = (string?)guest["phone"],
            VisitorData = guest["livechatData"] as JsonObject,
            RoomId = (string)room["_id"]!,
            Topic = Read(room, "topic", n => (string?)n),
            Tags = Read<IReadOnlyList<string>>(room, "tags", n => n?.AsArray().Select(t => (string)t!).ToList()),
            RoomData = room["livechatData"] as JsonObject,
            PriorityId = Read(room, "priorityId", n => (string?)n),
            SlaId = Read(room, "slaId", n => (string?)n),
        };
    }

    static Sent<T> Read<T>(JsonObject parent, string key, Func<JsonNode?, T?> read) =>
        parent.TryGetPropertyValue(key, out var node) ? new Sent<T>(true, read(node)) : default;
}
