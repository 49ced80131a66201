namespace Livechat.Client;

/// <summary>Agents or managers (<c>livechat/users/agent</c>, <c>livechat/users/manager</c>).</summary>
public sealed class LivechatUsersClient
{
    readonly LivechatClient _client;
    readonly string _path;

    internal LivechatUsersClient(LivechatClient client, string type)
    {
        _client = client;
        _path = "livechat/users/" + type;
    }

    /// <summary>The list; <paramref name="onlyAvailable"/> applies to agents.</summary>
    public async Task<Page<Agent>> ListAsync(string? text = null, bool? onlyAvailable = null, PageRequest? page = null,
        CancellationToken cancellationToken = default)
    {
        var q = new QueryString().Add("text", text).Add("onlyAvailable", onlyAvailable).AddPage(page);
        var answer = await _client.GetAsync(_path + q, LivechatJsonContext.Default.AgentsAnswer, cancellationToken).ConfigureAwait(false);
        return new Page<Agent>(answer.Users, answer.Count, answer.Offset, answer.Total);
    }

    /// <summary>The user, or <c>null</c> when they do not hold the role.</summary>
    public async Task<Agent?> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        var answer = await _client.GetAsync($"{_path}/{Uri.EscapeDataString(userId)}", LivechatJsonContext.Default.AgentAnswer, cancellationToken)
            .ConfigureAwait(false);
        return answer.User;
    }

    /// <summary>Gives the role to a user (idempotent); a new agent starts available.</summary>
    public Task AddAsync(string username, CancellationToken cancellationToken = default) =>
        _client.PostAsync(_path, new UsernameBody(username), LivechatJsonContext.Default.UsernameBody,
            LivechatJsonContext.Default.JsonElement, cancellationToken);

    /// <summary>Takes the role away (idempotent).</summary>
    public Task RemoveAsync(string userId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, $"{_path}/{Uri.EscapeDataString(userId)}", null, LivechatJsonContext.Default.JsonElement,
            cancellationToken);
}

/// <summary>An agent's livechat status: <see cref="AgentStatus.Available"/> or <see cref="AgentStatus.NotAvailable"/>.</summary>
public sealed class AgentStatusClient
{
    readonly LivechatClient _client;

    internal AgentStatusClient(LivechatClient client) => _client = client;

    /// <summary>The logged-in user's current status (from <c>me</c>).</summary>
    public async Task<string> GetStatusAsync(CancellationToken cancellationToken = default) =>
        (await _client.MeAsync(cancellationToken).ConfigureAwait(false)).StatusLivechat ?? AgentStatus.NotAvailable;

    /// <summary><c>POST livechat/agent.status</c>: switches availability; answers the status now in effect.</summary>
    public async Task<string> SetAvailableAsync(bool available, string? agentId = null, CancellationToken cancellationToken = default)
    {
        var status = available ? AgentStatus.Available : AgentStatus.NotAvailable;
        var answer = await _client.PostAsync("livechat/agent.status", new AgentStatusBody(status, agentId),
            LivechatJsonContext.Default.AgentStatusBody, LivechatJsonContext.Default.AgentStatusAnswer, cancellationToken).ConfigureAwait(false);
        return answer.Status;
    }
}

/// <summary>Users (<c>users.info</c>, <c>users.create</c>).</summary>
public sealed class UsersClient
{
    readonly LivechatClient _client;

    internal UsersClient(LivechatClient client) => _client = client;

    public async Task<User> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        var answer = await _client.GetAsync("users.info" + new QueryString().Add("userId", userId), LivechatJsonContext.Default.UserAnswer,
            cancellationToken).ConfigureAwait(false);
        return answer.User;
    }

    public async Task<User> GetByUsernameAsync(string username, CancellationToken cancellationToken = default)
    {
        var answer = await _client.GetAsync("users.info" + new QueryString().Add("username", username), LivechatJsonContext.Default.UserAnswer,
            cancellationToken).ConfigureAwait(false);
        return answer.User;
    }

    public async Task<User> CreateAsync(CreateUserRequest user, CancellationToken cancellationToken = default)
    {
        var answer = await _client.PostAsync("users.create", user, LivechatJsonContext.Default.CreateUserRequest,
            LivechatJsonContext.Default.UserAnswer, cancellationToken).ConfigureAwait(false);
        return answer.User;
    }
}

/// <summary>Permissions, to show only the screens a user may use.</summary>
public sealed class PermissionsClient
{
    readonly LivechatClient _client;

    internal PermissionsClient(LivechatClient client) => _client = client;

    /// <summary><c>GET permissions.listAll</c>: every permission with its roles.</summary>
    public async Task<IReadOnlyList<Permission>> ListAsync(CancellationToken cancellationToken = default)
    {
        var answer = await _client.GetAsync("permissions.listAll", LivechatJsonContext.Default.PermissionsAnswer, cancellationToken)
            .ConfigureAwait(false);
        return answer.Update;
    }

    /// <summary>The permissions the logged-in user holds through their roles.</summary>
    public async Task<IReadOnlySet<string>> MineAsync(CancellationToken cancellationToken = default)
    {
        var me = _client.CurrentUser ?? await _client.MeAsync(cancellationToken).ConfigureAwait(false);
        var all = await ListAsync(cancellationToken).ConfigureAwait(false);
        return all.Where(p => p.Roles.Any(me.HasRole)).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
    }
}

/// <summary>Webhook deliveries (<c>livechat/webhooks.deliveries</c>).</summary>
public sealed class WebhooksClient
{
    readonly LivechatClient _client;

    internal WebhooksClient(LivechatClient client) => _client = client;

    /// <summary>Recent webhook calls, newest first; <paramref name="status"/> is <c>pending</c>, <c>delivered</c> or <c>failed</c>.</summary>
    public async Task<Page<WebhookDelivery>> DeliveriesAsync(string? status = null, string? eventName = null, string? roomId = null,
        PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        var q = new QueryString().Add("status", status).Add("event", eventName).Add("roomId", roomId).AddPage(page);
        var answer = await _client.GetAsync("livechat/webhooks.deliveries" + q, LivechatJsonContext.Default.DeliveriesAnswer, cancellationToken)
            .ConfigureAwait(false);
        return new Page<WebhookDelivery>(answer.Deliveries, answer.Count, answer.Offset, answer.Total);
    }
}

/// <summary>Server settings (<c>settings/:id</c>).</summary>
public sealed class SettingsClient
{
    readonly LivechatClient _client;

    internal SettingsClient(LivechatClient client) => _client = client;

    public Task<Setting> GetAsync(string id, CancellationToken cancellationToken = default) =>
        _client.GetAsync("settings/" + Uri.EscapeDataString(id), LivechatJsonContext.Default.Setting, cancellationToken);

    /// <summary>Sets a setting to any JSON value.</summary>
    public Task SetAsync(string id, System.Text.Json.JsonElement value, CancellationToken cancellationToken = default) =>
        _client.PostAsync("settings/" + Uri.EscapeDataString(id), new SettingBody(value), LivechatJsonContext.Default.SettingBody,
            LivechatJsonContext.Default.JsonElement, cancellationToken);

    public Task SetAsync(string id, string value, CancellationToken cancellationToken = default) =>
        SetAsync(id, System.Text.Json.JsonSerializer.SerializeToElement(value, LivechatJsonContext.Default.String), cancellationToken);

    public Task SetAsync(string id, bool value, CancellationToken cancellationToken = default) =>
        SetAsync(id, System.Text.Json.JsonSerializer.SerializeToElement(value, LivechatJsonContext.Default.Boolean), cancellationToken);

    public Task SetAsync(string id, int value, CancellationToken cancellationToken = default) =>
        SetAsync(id, System.Text.Json.JsonSerializer.SerializeToElement(value, LivechatJsonContext.Default.Int32), cancellationToken);

    public async Task<string?> GetStringAsync(string id, CancellationToken cancellationToken = default) =>
        (await GetAsync(id, cancellationToken).ConfigureAwait(false)).Value is { ValueKind: System.Text.Json.JsonValueKind.String } v ? v.GetString() : null;

    public async Task<bool?> GetBooleanAsync(string id, CancellationToken cancellationToken = default) =>
        (await GetAsync(id, cancellationToken).ConfigureAwait(false)).Value.ValueKind switch
        {
            System.Text.Json.JsonValueKind.True => true,
            System.Text.Json.JsonValueKind.False => false,
            _ => null,
        };
}
