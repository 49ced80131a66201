using System.Text.Json;
using System.Text.Json.Serialization;

namespace Livechat.Client;

/// <summary>
/// The body of <c>livechat/room.saveInfo</c>. Null members are left out of the request, so the server leaves those
/// fields untouched: set only what changed. An empty string removes a value (topic, priority, SLA, a custom field),
/// an empty tag list removes the tags.
/// </summary>
public sealed record SaveInfoRequest
{
    public required SaveInfoGuest GuestData { get; init; }
    public required SaveInfoRoom RoomData { get; init; }
}

public sealed record SaveInfoGuest
{
    [JsonPropertyName("_id")] public required string Id { get; init; }
    public string? Name { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }

    /// <summary>Visitor-scope custom fields to set (an empty value removes one).</summary>
    public IReadOnlyDictionary<string, string>? LivechatData { get; init; }
}

public sealed record SaveInfoRoom
{
    [JsonPropertyName("_id")] public required string Id { get; init; }
    public string? Topic { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Room-scope custom fields to set (an empty value removes one).</summary>
    public IReadOnlyDictionary<string, string>? LivechatData { get; init; }

    /// <summary>A priority id; <c>""</c> removes the room's priority.</summary>
    public string? PriorityId { get; init; }

    /// <summary>An SLA id; <c>""</c> removes the room's SLA.</summary>
    public string? SlaId { get; init; }
}

/// <summary>What <c>room.saveInfo</c> should answer.</summary>
public enum SaveInfoReturn
{
    /// <summary><c>Prefer: return=representation</c>: the saved room and visitor, and the room's new ETag.</summary>
    Representation,

    /// <summary>No <c>Prefer</c>: the plain Rocket.Chat answer <c>{"success":true}</c>.</summary>
    Minimal,
}

/// <summary>The opt-in extensions of <c>room.saveInfo</c>.</summary>
public sealed record SaveInfoOptions
{
    /// <summary>Save only if the room still has this ETag (<see cref="Room.ETag"/>); otherwise a 412 <see cref="LivechatApiException"/>.</summary>
    public string? IfMatch { get; init; }

    /// <summary>A retry with the same key and body replays the first answer instead of saving again.</summary>
    public string? IdempotencyKey { get; init; }

    public SaveInfoReturn Return { get; init; } = SaveInfoReturn.Representation;

    /// <summary>Run every check and report the changes, writing nothing.</summary>
    public bool DryRun { get; init; }
}

/// <summary>The answer of <c>room.saveInfo</c>.</summary>
public sealed record SaveInfoResult
{
    /// <summary>The saved room (with <see cref="SaveInfoReturn.Representation"/>).</summary>
    public Room? Room { get; init; }

    /// <summary>The saved visitor (with <see cref="SaveInfoReturn.Representation"/>).</summary>
    public Visitor? Visitor { get; init; }

    /// <summary>The room's new entity tag, for the next <see cref="SaveInfoOptions.IfMatch"/>.</summary>
    public string? ETag { get; init; }

    /// <summary>A dry run's changes, field by field (<c>{"topic":{"from":…,"to":…}}</c>).</summary>
    public IReadOnlyDictionary<string, FieldChange>? Changes { get; init; }

    /// <summary>The server replayed the stored answer of an earlier request with the same idempotency key.</summary>
    public bool Replayed { get; init; }
}

/// <summary>A server validation message of <c>room.saveInfo</c> and the form field it belongs to.</summary>
/// <param name="Field">
/// <c>name</c>, <c>email</c>, <c>phone</c>, <c>topic</c>, <c>tags</c>, <c>priorityId</c>, <c>slaId</c>, or
/// <c>livechatData</c> for a custom field (then <paramref name="CustomFieldLabel"/> names it); <c>null</c> when the
/// message belongs to the form as a whole.
/// </param>
public sealed record SaveInfoFieldError(string? Field, string Message, string? CustomFieldLabel = null);

/// <summary>Room-closing options (<c>livechat/room.closeByUser</c>).</summary>
public sealed record CloseRoomRequest
{
    [JsonPropertyName("rid")] public required string RoomId { get; init; }
    public string? Comment { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
}

/// <summary>A saveInfo dry run's raw answer.</summary>
internal sealed record SaveInfoDryRunAnswer(Dictionary<string, FieldChange> Changes);

internal sealed record SaveInfoRepresentationAnswer(Room Room, Visitor Visitor);

internal sealed record ErrorEnvelope
{
    public bool Success { get; init; }
    public JsonElement? Error { get; init; }
    public string? ErrorType { get; init; }
    public string? Message { get; init; }
    public JsonElement? Details { get; init; }
}
