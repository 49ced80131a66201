using System.Net.WebSockets;
using Livechat.Client;
using Microsoft.JSInterop;

namespace Livechat.Console.Services;

/// <summary>
/// The logged-in user and the one <see cref="LivechatClient"/> of this browser tab. The resume token lives in
/// <c>localStorage</c>, so a reload resumes the session; <see cref="LogoutAsync"/> tells the server and forgets it.
/// While someone is logged in, <see cref="Realtime"/> is this session's DDP connection (<c>/websocket</c>), which
/// the components subscribe to; it is closed at logout.
/// </summary>
public sealed class Session
{
    const string UserIdKey = "livechat.userId";
    const string TokenKey = "livechat.authToken";

    readonly IJSRuntime _js;

    public Session(LivechatClient client, IJSRuntime js)
    {
        Client = client;
        _js = js;
        // A 401 ends the client's session (token expired or logged out elsewhere): back to the login form.
        client.SessionChanged += (_, e) =>
        {
            if (e.Session is null && Me is not null)
            {
                Me = null;
                StopRealtime();
                Changed?.Invoke();
            }
        };
        // A 403: an admin may have taken a permission or a role away since login; what the console offers follows.
        client.Forbidden += (_, _) => _ = RefreshPermissionsAsync();
    }

    public LivechatClient Client { get; }

    public Me? Me { get; private set; }

    /// <summary>False until the stored token was tried, so the login form does not flash before a resume.</summary>
    public bool Started { get; private set; }

    public bool IsLoggedIn => Me is not null;

    /// <summary>Managers and admins see the catalogue pages; the server checks every call anyway.</summary>
    public bool IsManager => Me is { } me && (me.HasRole("admin") || me.HasRole("livechat-manager"));

    /// <summary>
    /// Whether the user holds any of <paramref name="permissions"/> (what the console offers; the server decides each
    /// call). When the permissions could not be read, managers and admins are assumed to hold them.
    /// </summary>
    public bool Can(params ReadOnlySpan<string> permissions)
    {
        if (Permissions is not { } held) return IsManager;
        foreach (var permission in permissions)
        {
            if (held.Contains(permission)) return true;
        }
        return false;
    }

    public bool IsAvailable { get; private set; }

    /// <summary>The permissions the user holds through their roles; null when they could not be read.</summary>
    public IReadOnlySet<string>? Permissions { get; private set; }

    /// <summary>The logged-in session's realtime connection, null when nobody is logged in.</summary>
    public LivechatRealtime? Realtime { get; private set; }

    /// <summary>True while the realtime connection is down and being reopened ("Reconnecting…" banner).</summary>
    public bool IsReconnecting => Realtime?.State == RealtimeState.Reconnecting;

    public event Action? Changed;

    public async Task StartAsync()
    {
        if (Started) return;
        try
        {
            var userId = await _js.InvokeAsync<string?>("localStorage.getItem", UserIdKey);
            var token = await _js.InvokeAsync<string?>("localStorage.getItem", TokenKey);
            if (!string.IsNullOrEmpty(userId) && !string.IsNullOrEmpty(token))
            {
                try
                {
                    await SetMeAsync(await Client.ResumeAsync(userId, token));
                }
                catch (LivechatApiException e) when (e.Status == 0)
                {
                    // The server is unreachable (status 0): show the login form, keep the token for the next reload.
                }
                catch (LivechatApiException)
                {
                    await ForgetAsync();
                }
            }
        }
        finally
        {
            Started = true;
            Changed?.Invoke();
        }
    }

    public async Task LoginAsync(string user, string password)
    {
        await SetMeAsync(await Client.LoginAsync(user, password));
        await _js.InvokeVoidAsync("localStorage.setItem", UserIdKey, Client.UserId);
        await _js.InvokeVoidAsync("localStorage.setItem", TokenKey, Client.AuthToken);
        Changed?.Invoke();
    }

    public async Task LogoutAsync()
    {
        try
        {
            await Client.LogoutAsync();
        }
        catch (LivechatApiException e) when (e.Status == 0)
        {
            // Unreachable: the token is forgotten here all the same; it expires on the server.
        }
        finally
        {
            Me = null;
            StopRealtime();
            await ForgetAsync();
            Changed?.Invoke();
        }
    }

    public async Task SetAvailableAsync(bool available)
    {
        var status = await Client.Agent.SetAvailableAsync(available);
        IsAvailable = status == AgentStatus.Available;
        Changed?.Invoke();
    }

    /// <summary>
    /// Reads the user's roles (<c>me</c>) and permissions again, and raises <see cref="Changed"/> when they differ: after
    /// a 403 and on the lists' fallback refresh, so a change an admin makes reaches an open console without a new
    /// login. Calls made while one runs share it.
    /// </summary>
    public Task RefreshPermissionsAsync()
    {
        if (_permissionRead is { IsCompleted: false } running) return running;
        return _permissionRead = ReadPermissionsAsync();
    }

    Task? _permissionRead;

    async Task ReadPermissionsAsync()
    {
        if (Me is null) return;
        try
        {
            var me = await Client.MeAsync();
            var permissions = await Client.Permissions.MineAsync();
            // Logged out, or someone else logged in, meanwhile: this answer is not theirs.
            if (Me is null || Me.Id != me.Id) return;
            var changed = Permissions is null || !Permissions.SetEquals(permissions) || !me.Roles.SequenceEqual(Me.Roles);
            Me = me;
            Permissions = permissions;
            if (changed) Changed?.Invoke();
        }
        catch (LivechatApiException)
        {
            // Unreachable or logged out: the next refresh tries again (a 401 has ended the session already).
        }
    }

    /// <summary>The logged-in user, as <c>login</c> and <c>me</c> answer it (with its <c>statusLivechat</c>).</summary>
    async Task SetMeAsync(Me me)
    {
        try
        {
            Permissions = await Client.Permissions.MineAsync();
        }
        catch (LivechatApiException)
        {
            Permissions = null;
        }
        Me = me;
        IsAvailable = me.StatusLivechat == AgentStatus.Available;
        StopRealtime();
        Realtime = new LivechatRealtime(Client);
        Realtime.ConnectionStateChanged += (_, _) => Changed?.Invoke();
        EnsureRealtimeConnected();
    }

    /// <summary>
    /// Opens the realtime connection when it is not open (the first attempt failed, or the server refused a login):
    /// once open it reconnects by itself. Failures are not shown here; the REST refreshes show the banner.
    /// </summary>
    public void EnsureRealtimeConnected()
    {
        if (Realtime is { State: RealtimeState.Disconnected } realtime) _ = ConnectAsync(realtime);
    }

    static async Task ConnectAsync(LivechatRealtime realtime)
    {
        try
        {
            await realtime.ConnectAsync();
        }
        catch (Exception e) when (e is WebSocketException or LivechatRealtimeException or OperationCanceledException or ObjectDisposedException
            or InvalidOperationException or HttpRequestException or IOException or TimeoutException)
        {
            // Tried again by the next fallback refresh (Chats).
        }
    }

    void StopRealtime()
    {
        if (Realtime is not { } realtime) return;
        Realtime = null;
        _ = Release(realtime);
    }

    /// <summary>Disposes a realtime connection or subscription without waiting and without failing.</summary>
    public static async Task Release(IAsyncDisposable? disposable)
    {
        if (disposable is null) return;
        try
        {
            await disposable.DisposeAsync();
        }
        catch (Exception e) when (e is WebSocketException or LivechatRealtimeException or OperationCanceledException or ObjectDisposedException
            or InvalidOperationException or IOException)
        {
            // Closing anyway.
        }
    }

    async Task ForgetAsync()
    {
        await _js.InvokeVoidAsync("localStorage.removeItem", UserIdKey);
        await _js.InvokeVoidAsync("localStorage.removeItem", TokenKey);
    }
}
