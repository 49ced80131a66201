using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Livechat.Client;

/// <summary>
/// The typed client of the Livechat REST API (<c>/api/v1</c>). Give it an <see cref="HttpClient"/> whose
/// <see cref="HttpClient.BaseAddress"/> is the server root (<c>http://localhost:3000/</c>); log in with
/// <see cref="LoginAsync"/> or <see cref="ResumeAsync"/>, then use the grouped sub-clients (<see cref="Rooms"/>,
/// <see cref="Tags"/>…). Every refusal is a <see cref="LivechatApiException"/>. Runs in the browser and on the server.
/// </summary>
public sealed class LivechatClient : IDisposable
{
    readonly HttpClient _http;
    readonly Uri _api;
    readonly bool _disposeHttp;

    public LivechatClient(HttpClient http, bool disposeHttpClient = false)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null) throw new ArgumentException("The HttpClient needs a BaseAddress (the server root).", nameof(http));
        _http = http;
        var root = http.BaseAddress.ToString();
        BaseAddress = new Uri(root.EndsWith('/') ? root : root + "/");
        _api = new Uri(BaseAddress, "api/v1/");
        _disposeHttp = disposeHttpClient;
        Rooms = new RoomsClient(this);
        Inquiries = new InquiriesClient(this);
        Messages = new MessagesClient(this);
        Visitors = new VisitorsClient(this);
        Agents = new LivechatUsersClient(this, "agent");
        Managers = new LivechatUsersClient(this, "manager");
        Agent = new AgentStatusClient(this);
        Departments = new DepartmentsClient(this);
        Tags = new TagsClient(this);
        Priorities = new PrioritiesClient(this);
        Slas = new SlasClient(this);
        CustomFields = new CustomFieldsClient(this);
        Settings = new SettingsClient(this);
        Users = new UsersClient(this);
        Permissions = new PermissionsClient(this);
        Webhooks = new WebhooksClient(this);
    }

    /// <summary>The server root the client talks to.</summary>
    public Uri BaseAddress { get; }

    public LivechatSession? Session { get; private set; }

    public string? UserId => Session?.UserId;

    public string? AuthToken => Session?.AuthToken;

    public bool IsLoggedIn => Session is not null;

    /// <summary>The logged-in user as the last login, resume or <see cref="MeAsync"/> returned it.</summary>
    public Me? CurrentUser { get; private set; }

    /// <summary>Login, resume and logout (and a 401 that ends the session) raise this.</summary>
    public event EventHandler<SessionChangedEventArgs>? SessionChanged;

    /// <summary>
    /// A request was refused with 403 (raised before its <see cref="LivechatApiException"/> is thrown). A long-lived
    /// client re-reads the user's permissions here: an admin may have changed them since login.
    /// </summary>
    public event EventHandler<ForbiddenEventArgs>? Forbidden;

    public RoomsClient Rooms { get; }
    public InquiriesClient Inquiries { get; }
    public MessagesClient Messages { get; }
    public VisitorsClient Visitors { get; }
    public LivechatUsersClient Agents { get; }
    public LivechatUsersClient Managers { get; }

    /// <summary>The logged-in agent's own livechat status (the "Available" switch).</summary>
    public AgentStatusClient Agent { get; }
    public DepartmentsClient Departments { get; }
    public TagsClient Tags { get; }
    public PrioritiesClient Priorities { get; }
    public SlasClient Slas { get; }
    public CustomFieldsClient CustomFields { get; }
    public SettingsClient Settings { get; }
    public UsersClient Users { get; }
    public PermissionsClient Permissions { get; }
    public WebhooksClient Webhooks { get; }

    /// <summary><c>POST login</c> with a username or e-mail and a password.</summary>
    public async Task<Me> LoginAsync(string user, string password, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(HttpMethod.Post, "login", Json(new LoginBody(user, password), LivechatJsonContext.Default.LoginBody),
            LivechatJsonContext.Default.LoginAnswer, cancellationToken).ConfigureAwait(false);
        SetSession(new LivechatSession(answer.Data.UserId, answer.Data.AuthToken), answer.Data.Me);
        return answer.Data.Me;
    }

    /// <summary>Resumes a stored session (after a page reload): checks it with <c>GET me</c>, and forgets it when the server refuses it.</summary>
    public async Task<Me> ResumeAsync(string userId, string authToken, CancellationToken cancellationToken = default)
    {
        Session = new LivechatSession(userId, authToken);
        try
        {
            var me = await GetAsync("me", LivechatJsonContext.Default.Me, cancellationToken).ConfigureAwait(false);
            SetSession(Session, me);
            return me;
        }
        catch
        {
            Session = null;
            CurrentUser = null;
            throw;
        }
    }

    /// <summary><c>POST logout</c>: the server forgets the token; the client forgets the session even when the token had already expired.</summary>
    public async Task LogoutAsync(CancellationToken cancellationToken = default)
    {
        if (Session is null) return;
        try
        {
            await SendAsync(HttpMethod.Post, "logout", null, LivechatJsonContext.Default.JsonElement, cancellationToken).ConfigureAwait(false);
        }
        catch (LivechatApiException e) when (e.IsUnauthorized)
        {
            // Already gone on the server.
        }
        finally
        {
            // A 401 has already ended the session (and said so).
            if (Session is not null) SetSession(null, null);
        }
    }

    /// <summary><c>GET me</c>.</summary>
    public async Task<Me> MeAsync(CancellationToken cancellationToken = default)
    {
        var me = await GetAsync("me", LivechatJsonContext.Default.Me, cancellationToken).ConfigureAwait(false);
        CurrentUser = me;
        return me;
    }

    void SetSession(LivechatSession? session, Me? me)
    {
        Session = session;
        CurrentUser = me;
        SessionChanged?.Invoke(this, new SessionChangedEventArgs(session, me));
    }

    public void Dispose()
    {
        if (_disposeHttp) _http.Dispose();
    }

    internal static ByteArrayContent Json<T>(T body, JsonTypeInfo<T> type)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, type));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    internal Task<T> GetAsync<T>(string path, JsonTypeInfo<T> answer, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, path, null, answer, ct);

    internal Task<T> PostAsync<TBody, T>(string path, TBody body, JsonTypeInfo<TBody> bodyType, JsonTypeInfo<T> answer, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, path, Json(body, bodyType), answer, ct);

    internal async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> answer, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        var reply = await SendAsync(request, ct).ConfigureAwait(false);
        return reply.Read(answer);
    }

    /// <summary>Sends with the session's headers; a non-2xx answer becomes a <see cref="LivechatApiException"/>.</summary>
    internal async Task<Reply> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        request.RequestUri = new Uri(_api, request.RequestUri!.OriginalString);
        if (Session is { } session)
        {
            request.Headers.TryAddWithoutValidation("X-User-Id", session.UserId);
            request.Headers.TryAddWithoutValidation("X-Auth-Token", session.AuthToken);
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            // One exception type for the caller to handle: status 0 means the server was not reached.
            throw new LivechatApiException(0, $"The server could not be reached ({e.Message})", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new LivechatApiException(0, "The server did not answer in time", e);
        }
        using var _ = response;
        var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        var reply = new Reply((int)response.StatusCode, body, response.Headers);
        if (!response.IsSuccessStatusCode)
        {
            if (reply.Status == 401 && Session is not null && CurrentUser is not null)
            {
                // The server no longer knows the token (expired, logged out elsewhere): the session is over.
                SetSession(null, null);
            }
            var error = reply.ToException(response.ReasonPhrase);
            if (reply.Status == 403 && Session is not null)
            {
                Forbidden?.Invoke(this, new ForbiddenEventArgs(request.Method.Method, request.RequestUri.PathAndQuery[_api.AbsolutePath.Length..], error));
            }
            throw error;
        }
        return reply;
    }
}

/// <summary>A 2xx or failed answer: status, body bytes and headers.</summary>
internal sealed class Reply(int status, byte[] body, HttpResponseHeaders headers)
{
    public int Status { get; } = status;

    public HttpResponseHeaders Headers { get; } = headers;

    public string? ETag => Headers.ETag?.ToString();

    public bool Replayed => Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true");

    public T Read<T>(JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw new LivechatApiException(Status, "Empty answer");
        }
        catch (JsonException e)
        {
            throw new LivechatApiException(Status, $"The answer is not the expected JSON ({e.Message})", e);
        }
    }

    public LivechatApiException ToException(string? reason)
    {
        ErrorEnvelope? envelope = null;
        try
        {
            envelope = body.Length == 0 ? null : JsonSerializer.Deserialize(body, LivechatJsonContext.Default.ErrorEnvelope);
        }
        catch (JsonException)
        {
            // Not our envelope (a proxy's error page): fall back to the status line.
        }
        var error = envelope?.Error switch
        {
            { ValueKind: JsonValueKind.String } text => text.GetString()!,
            // Login failures send a number here (Rocket.Chat's 403 for a wrong password) and the sentence in "message".
            { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } other => envelope?.Message ?? other.GetRawText(),
            _ => envelope?.Message ?? (body.Length > 0 && body.Length < 500 ? Encoding.UTF8.GetString(body) : reason ?? ""),
        };
        Room? room = null;
        if (envelope?.Details is { ValueKind: JsonValueKind.Object } details && details.TryGetProperty("room", out var roomJson))
        {
            room = roomJson.Deserialize(LivechatJsonContext.Default.Room);
        }
        return new LivechatApiException(Status, error, envelope?.ErrorType, envelope?.Details, ETag, room);
    }
}
