using Livechat.Client;
using Microsoft.JSInterop;

namespace Livechat.Console.Services;

/// <summary>
/// The logged-in user and the one <see cref="LivechatClient"/> of this browser tab. The resume token lives in
/// <c>localStorage</c>, so a reload resumes the session; <see cref="LogoutAsync"/> tells the server and forgets it.
/// </summary>
public sealed class Session(LivechatClient client, IJSRuntime js)
{
    const string UserIdKey = "livechat.userId";
    const string TokenKey = "livechat.authToken";

    public LivechatClient Client { get; } = client;

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
            var userId = await js.InvokeAsync<string?>("localStorage.getItem", UserIdKey);
            var token = await js.InvokeAsync<string?>("localStorage.getItem", TokenKey);
            if (!string.IsNullOrEmpty(userId) && !string.IsNullOrEmpty(token))
            {
                try
                {
                    await SetMeAsync(await Client.ResumeAsync(userId, token));
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
        await js.InvokeVoidAsync("localStorage.setItem", UserIdKey, Client.UserId);
        await js.InvokeVoidAsync("localStorage.setItem", TokenKey, Client.AuthToken);
        Changed?.Invoke();
    }

    public async Task LogoutAsync()
    {
        try
        {
            await Client.LogoutAsync();
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
        await js.InvokeVoidAsync("localStorage.removeItem", UserIdKey);
        await js.InvokeVoidAsync("localStorage.removeItem", TokenKey);
    }
}
