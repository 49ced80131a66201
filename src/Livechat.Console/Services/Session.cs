using Livechat.Client;
using Microsoft.JSInterop;

namespace Livechat.Console.Services;

/// <summary>
/// The logged-in user and the one <see cref="LivechatClient"/> of this browser tab. The resume token lives in
/// <c>localStorage</c>, so a reload resumes the session; <see cref="LogoutAsync"/> tells the server and forgets it.
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
                Changed?.Invoke();
            }
        };
    }

    public LivechatClient Client { get; }

    public Me? Me { get; private set; }

    /// <summary>False until the stored token was tried, so the login form does not flash before a resume.</summary>
    public bool Started { get; private set; }

    public bool IsLoggedIn => Me is not null;

    /// <summary>Managers and admins see the catalogue pages; the server checks every call anyway.</summary>
    public bool IsManager => Me is { } me && (me.HasRole("admin") || me.HasRole("livechat-manager"));

    public bool IsAvailable { get; private set; }

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

    /// <summary><c>me</c> carries no livechat status; <c>users.info</c> of oneself does.</summary>
    async Task SetMeAsync(Me me)
    {
        var user = await Client.Users.GetAsync(me.Id);
        Me = me;
        IsAvailable = user.StatusLivechat == AgentStatus.Available;
    }

    async Task ForgetAsync()
    {
        await _js.InvokeVoidAsync("localStorage.removeItem", UserIdKey);
        await _js.InvokeVoidAsync("localStorage.removeItem", TokenKey);
    }
}
