namespace Livechat.Client;

/// <summary>A logged-in session: the two values the server needs on every call.</summary>
public sealed record LivechatSession(string UserId, string AuthToken);

/// <summary>The session changed: <see cref="Session"/> is the new one, or <c>null</c> after logout.</summary>
public sealed class SessionChangedEventArgs(LivechatSession? session, Me? me) : EventArgs
{
    public LivechatSession? Session { get; } = session;
    public Me? Me { get; } = me;
}

internal sealed record LoginData(string UserId, string AuthToken, Me Me);

internal sealed record LoginAnswer(string Status, LoginData Data);
