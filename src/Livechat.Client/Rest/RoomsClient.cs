using System.Text;

namespace Livechat.Client;

/// <summary>Livechat rooms: the list, one room, <c>room.saveInfo</c>, the audit log and closing.</summary>
public sealed class RoomsClient
{
    readonly LivechatClient _client;

    internal RoomsClient(LivechatClient client) => _client = client;

    /// <summary><c>GET livechat/rooms</c> with every filter; default order newest first.</summary>
    public async Task<Page<Room>> ListAsync(RoomQuery? query = null, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        query ??= new RoomQuery();
        var q = new QueryString().AddPage(page)
            .AddArray("agents", query.Agents)
            .Add("roomName", query.RoomName)
            .Add("open", query.Open)
            .Add("queued", query.Queued == true ? "true" : null)
            .Add("onhold", query.OnHold == true ? "true" : null)
            .AddArray("tags", query.Tags)
            .Add("createdAt", Range(query.CreatedAt))
            .Add("closedAt", Range(query.ClosedAt));
        if (query.DepartmentIds is [var single]) q.Add("departmentId", single);
        else q.AddArray("departmentId", query.DepartmentIds);
        if (query.CustomFields is { Count: > 0 } fields)
        {
            q.Add("customFields", System.Text.Json.JsonSerializer.Serialize(
                new Dictionary<string, string>(fields), LivechatJsonContext.Default.DictionaryStringString));
        }
        var answer = await _client.GetAsync("livechat/rooms" + q, LivechatJsonContext.Default.RoomsAnswer, cancellationToken).ConfigureAwait(false);
        return new Page<Room>(answer.Rooms, answer.Count, answer.Offset, answer.Total);
    }

    /// <summary>The rooms the logged-in agent serves (open ones by default): what an agent without <c>view-livechat-rooms</c> may list.</summary>
    public Task<Page<Room>> ListMineAsync(bool open = true, PageRequest? page = null, CancellationToken cancellationToken = default) =>
        ListAsync(new RoomQuery { Agents = [_client.UserId ?? throw NotLoggedIn()], Open = open }, page, cancellationToken);

    /// <summary><c>GET rooms.info</c>: the room and its ETag (for <see cref="SaveInfoOptions.IfMatch"/>).</summary>
    public async Task<RoomWithETag> GetAsync(string roomId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "rooms.info" + new QueryString().Add("roomId", roomId));
        var reply = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var room = reply.Read(LivechatJsonContext.Default.RoomAnswer).Room;
        return new RoomWithETag(room, reply.ETag ?? room.ETag);
    }

    /// <summary>
    /// <c>POST livechat/room.saveInfo</c>. Send only the changed fields. With <see cref="SaveInfoOptions.IfMatch"/> a
    /// concurrent change answers 412 (<see cref="LivechatApiException.IsConflict"/>, with the current room).
    /// </summary>
    public async Task<SaveInfoResult> SaveInfoAsync(SaveInfoRequest request, SaveInfoOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        options ??= new SaveInfoOptions();
        var path = "livechat/room.saveInfo" + (options.DryRun ? "?dryRun=true" : "");
        using var message = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = LivechatClient.Json(request, LivechatJsonContext.Default.SaveInfoRequest),
        };
        if (options.IfMatch is { } ifMatch) message.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (options.IdempotencyKey is { } key) message.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        if (options.Return == SaveInfoReturn.Representation) message.Headers.TryAddWithoutValidation("Prefer", "return=representation");
        var reply = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (options.DryRun)
        {
            return new SaveInfoResult { Changes = reply.Read(LivechatJsonContext.Default.SaveInfoDryRunAnswer).Changes, Replayed = reply.Replayed };
        }
        if (options.Return == SaveInfoReturn.Representation)
        {
            var saved = reply.Read(LivechatJsonContext.Default.SaveInfoRepresentationAnswer);
            return new SaveInfoResult { Room = saved.Room, Visitor = saved.Visitor, ETag = reply.ETag ?? saved.Room.ETag, Replayed = reply.Replayed };
        }
        return new SaveInfoResult { ETag = reply.ETag, Replayed = reply.Replayed };
    }

    /// <summary><c>GET livechat/room.auditLog</c>: who changed what, newest first.</summary>
    public async Task<Page<AuditEntry>> AuditLogAsync(string roomId, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        var q = new QueryString().Add("roomId", roomId).AddPage(page);
        var answer = await _client.GetAsync("livechat/room.auditLog" + q, LivechatJsonContext.Default.AuditLogAnswer, cancellationToken)
            .ConfigureAwait(false);
        return new Page<AuditEntry>(answer.Entries, answer.Count, answer.Offset, answer.Total);
    }

    /// <summary><c>POST livechat/room.closeByUser</c> with a comment and tags.</summary>
    public Task CloseAsync(string roomId, string? comment = null, IReadOnlyList<string>? tags = null,
        CancellationToken cancellationToken = default) =>
        _client.PostAsync("livechat/room.closeByUser", new CloseRoomRequest { RoomId = roomId, Comment = comment, Tags = tags },
            LivechatJsonContext.Default.CloseRoomRequest, LivechatJsonContext.Default.JsonElement, cancellationToken);

    static string? Range(DateRange? range)
    {
        if (range is null) return null;
        var text = new StringBuilder("{");
        if (range.Start is { } start) text.Append("\"start\":\"").Append(QueryString.Date(start)).Append('"');
        if (range.End is { } end) text.Append(text.Length > 1 ? "," : "").Append("\"end\":\"").Append(QueryString.Date(end)).Append('"');
        return text.Append('}').ToString();
    }

    internal static InvalidOperationException NotLoggedIn() => new("Log in first.");
}

/// <summary>The queue (<c>Manual_Selection</c>).</summary>
public sealed class InquiriesClient
{
    readonly LivechatClient _client;

    internal InquiriesClient(LivechatClient client) => _client = client;

    /// <summary><c>GET livechat/inquiries.queued</c>: waiting chats the caller may take.</summary>
    public async Task<Page<Inquiry>> QueuedAsync(string? department = null, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        var q = new QueryString().Add("department", department).AddPage(page);
        var answer = await _client.GetAsync("livechat/inquiries.queued" + q, LivechatJsonContext.Default.InquiriesAnswer, cancellationToken)
            .ConfigureAwait(false);
        return new Page<Inquiry>(answer.Inquiries, answer.Count, answer.Offset, answer.Total);
    }

    /// <summary><c>POST livechat/inquiries.take</c>: the caller (or <paramref name="userId"/>) serves the room from now on.</summary>
    public Task TakeAsync(string inquiryId, string? userId = null, CancellationToken cancellationToken = default) =>
        _client.PostAsync("livechat/inquiries.take", new TakeBody(inquiryId, userId), LivechatJsonContext.Default.TakeBody,
            LivechatJsonContext.Default.JsonElement, cancellationToken);
}

/// <summary>Messages of livechat rooms, as an agent sees and sends them.</summary>
public sealed class MessagesClient
{
    readonly LivechatClient _client;

    internal MessagesClient(LivechatClient client) => _client = client;

    /// <summary>
    /// A room's history, newest first (<c>chat.syncMessages</c> since <paramref name="since"/>, or since the start):
    /// the agent's way to load a room's messages, system messages included.
    /// </summary>
    public async Task<IReadOnlyList<Message>> HistoryAsync(string roomId, DateTime? since = null, CancellationToken cancellationToken = default)
    {
        var sync = await SyncAsync(roomId, since ?? DateTime.UnixEpoch, cancellationToken).ConfigureAwait(false);
        return sync.Updated;
    }

    /// <summary><c>GET chat.syncMessages</c>: messages changed and deleted since <paramref name="lastUpdate"/> (to catch up after a reconnect).</summary>
    public async Task<MessageSync> SyncAsync(string roomId, DateTime lastUpdate, CancellationToken cancellationToken = default)
    {
        var q = new QueryString().Add("roomId", roomId).Add("lastUpdate", QueryString.Date(lastUpdate));
        var answer = await _client.GetAsync("chat.syncMessages" + q, LivechatJsonContext.Default.SyncAnswer, cancellationToken).ConfigureAwait(false);
        return answer.Result;
    }

    /// <summary><c>POST chat.sendMessage</c> as the serving agent; <paramref name="messageId"/> makes a retry safe.</summary>
    public async Task<Message> SendAsync(string roomId, string text, string? messageId = null, CancellationToken cancellationToken = default)
    {
        var answer = await _client.PostAsync("chat.sendMessage", new SendMessageBody(new SendMessageFields(roomId, text, messageId)),
            LivechatJsonContext.Default.SendMessageBody, LivechatJsonContext.Default.MessageAnswer, cancellationToken).ConfigureAwait(false);
        return answer.Message;
    }

    /// <summary>A new message id in Rocket.Chat's form (17 characters), for optimistic sending and safe retries.</summary>
    public static string NewId()
    {
        const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";
        Span<char> id = stackalloc char[17];
        for (var i = 0; i < id.Length; i++) id[i] = Alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return new string(id);
    }
}

/// <summary>Visitors, as agents see them.</summary>
public sealed class VisitorsClient
{
    readonly LivechatClient _client;

    internal VisitorsClient(LivechatClient client) => _client = client;

    /// <summary><c>GET livechat/visitors.info</c>.</summary>
    public async Task<Visitor> GetAsync(string visitorId, CancellationToken cancellationToken = default)
    {
        var answer = await _client.GetAsync("livechat/visitors.info" + new QueryString().Add("visitorId", visitorId),
            LivechatJsonContext.Default.VisitorAnswer, cancellationToken).ConfigureAwait(false);
        return answer.Visitor;
    }

    /// <summary><c>GET livechat/visitors.search</c>.</summary>
    public async Task<Page<Visitor>> SearchAsync(string? term = null, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        var answer = await _client.GetAsync("livechat/visitors.search" + new QueryString().Add("term", term).AddPage(page),
            LivechatJsonContext.Default.VisitorsAnswer, cancellationToken).ConfigureAwait(false);
        return new Page<Visitor>(answer.Visitors, answer.Count, answer.Offset, answer.Total);
    }
}
