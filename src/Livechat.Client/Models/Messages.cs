using System.Text.Json;
using System.Text.Json.Serialization;

namespace Livechat.Client;

public sealed record MessageUser
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string Username { get; init; } = "";
    public string? Name { get; init; }
}

/// <summary>A chat message; <see cref="T"/> names the kind of a system message.</summary>
public sealed record Message
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string? T { get; init; }
    public string Rid { get; init; } = "";
    public string Msg { get; init; } = "";
    public DateTime Ts { get; init; }
    public MessageUser U { get; init; } = new();

    /// <summary>The visitor's token, on visitor messages only.</summary>
    public string? Token { get; init; }
    public string? Alias { get; init; }
    public bool? Groupable { get; init; }
    public bool? Unread { get; init; }
    public JsonElement? PriorityData { get; init; }
    public JsonElement? SlaData { get; init; }
    [JsonPropertyName("_updatedAt")] public DateTime UpdatedAt { get; init; }
    public DateTime? EditedAt { get; init; }

    [JsonIgnore] public bool IsSystem => T is not null;

    [JsonIgnore] public bool IsFromVisitor => Token is not null;
}

/// <summary>Rocket.Chat's system message types that livechat rooms carry.</summary>
public static class SystemMessageTypes
{
    public const string Close = "livechat-close";
    public const string PriorityChange = "omnichannel_priority_change_history";
    public const string SlaChange = "omnichannel_sla_change_history";
}

public sealed record DeletedMessage
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    [JsonPropertyName("_deletedAt")] public DateTime DeletedAt { get; init; }
}

/// <summary><c>chat.syncMessages</c>: messages changed and deleted since a moment.</summary>
public sealed record MessageSync
{
    public IReadOnlyList<Message> Updated { get; init; } = [];
    public IReadOnlyList<DeletedMessage> Deleted { get; init; } = [];
}
