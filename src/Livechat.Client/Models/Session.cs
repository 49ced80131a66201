namespace Livechat.Client;

/// <summary>A logged-in session: the two values the server needs on every call.</summary>
public sealed record LivechatSession(string UserId, string AuthToken);

/// <summary>The session changed: <see cref="Session"/> is the new one, or <c>null</c> after logout.</summary>
public sealed class SessionChangedEventArgs(LivechatSession? session, Me? me) : EventArgs
{
    public LivechatSession? Session { get; } = session;
    public Me? Me { get; } = me;
}

/// <summary>The server refused a request with 403: the caller lacks a permission (their roles or the roles' permissions may have changed since login).</summary>
public sealed class ForbiddenEventArgs(string method, string path, LivechatApiException error) : EventArgs
{
    /// <summary>The refused request's method and path under <c>/api/v1/</c> (with its query).</summary>
    public string Method { get; } = method;
    public string Path { get; } = path;
    public LivechatApiException Error { get; } = error;
}

internal sealed record LoginData(string UserId, string AuthToken, Me Me);

internal sealed record LoginAnswer(string Status, LoginData Data);
