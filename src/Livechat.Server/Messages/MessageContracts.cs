using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Livechat.Server.Http;

namespace Livechat.Server.Messages;

public sealed record MessageEditorView([property: JsonPropertyName("_id")] string Id, string Username);

public sealed record MessageUserView([property: JsonPropertyName("_id")] string Id, string Username, string? Name);

/// <summary>
/// The message document on the wire (livechat-endpoints §5.1); also stored as the room's <c>lastMessage</c>. The
/// visitor's <c>token</c> is only in the visitor's own answers (<see cref="ForVisitor"/>), never in staff answers or events.
/// </summary>
public sealed record MessageView(
    [property: JsonPropertyName("_id")] string Id,
    string? T,
    string Rid,
    string Msg,
    DateTime Ts,
    MessageUserView U,
    string? Token,
    string? Alias,
    bool? Groupable,
    bool? Unread,
    JsonNode? PriorityData,
    JsonNode? SlaData,
    JsonNode? TransferData,
    IReadOnlyList<object>? Urls,
    IReadOnlyList<object>? Mentions,
    IReadOnlyList<object>? Channels,
    [property: JsonPropertyName("_updatedAt")] DateTime UpdatedAt,
    DateTime? EditedAt,
    MessageEditorView? EditedBy)
{
    /// <summary>The comment of the on-hold system messages.</summary>
    public string? Comment { get; init; }

    /// <summary>A file message's upload (<c>{_id, name, type, size, format}</c>), as Rocket.Chat's.</summary>
    public JsonNode? File { get; init; }

    public JsonNode? Files { get; init; }

    /// <summary>A file message's attachment: <c>type: "file"</c>, <c>title_link</c>, and <c>image_url</c> for images.</summary>
    public JsonNode? Attachments { get; init; }

    public static MessageView From(Message m) => Of(m, token: null);

    /// <summary>A message as the room's visitor reads it: their own messages carry their token, as in Rocket.Chat.</summary>
    public static MessageView ForVisitor(Message m) => Of(m, m.Token);

    static MessageView Of(Message m, string? token)
    {
        // Normal messages carry empty urls/mentions/channels; system messages do not.
        var normal = m.T is null;
        var files = Parse(m.Files);
        return new(m.Id, m.T, m.Rid, m.Msg, m.Ts, new MessageUserView(m.UserId, m.Username, m.UserDisplayName), token, m.Alias,
            m.Groupable, m.Unread, Parse(m.PriorityData), Parse(m.SlaData), Parse(m.TransferData),
            normal ? [] : null, normal ? [] : null, normal ? [] : null, m.UpdatedAt, m.EditedAt,
            m.EditedById is { } editor ? new MessageEditorView(editor, m.EditedByUsername ?? "") : null)
        {
            Comment = m.Comment,
            File = files?["file"]?.DeepClone(),
            Files = files?["files"]?.DeepClone(),
            Attachments = files?["attachments"]?.DeepClone(),
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonSetup.Options);

    static JsonNode? Parse(string? json) => json is null ? null : JsonNode.Parse(json);
}

public sealed record DeletedMessageResponse(DeletedMessageRef Message) : ApiResponse;

public sealed record DeletedMessageRef([property: JsonPropertyName("_id")] string Id, DateTime Ts);

public sealed record DeletedMessageView([property: JsonPropertyName("_id")] string Id, [property: JsonPropertyName("_deletedAt")] DateTime DeletedAt);

public sealed record SyncResult(IReadOnlyList<MessageView> Updated, IReadOnlyList<DeletedMessageView> Deleted);

public sealed record MessageResponse(MessageView Message) : ApiResponse;
public sealed record MessagesResponse(IReadOnlyList<MessageView> Messages) : ApiResponse;
public sealed record SyncMessagesResponse(SyncResult Result) : ApiResponse;
