namespace Livechat.Client;

/// <summary>Departments and their agents (<c>livechat/department</c>).</summary>
public sealed class DepartmentsClient
{
    const string Path = "livechat/department";
    readonly LivechatClient _client;

    internal DepartmentsClient(LivechatClient client) => _client = client;

    public async Task<Page<Department>> ListAsync(string? text = null, bool? enabled = null, bool onlyMyDepartments = false,
        PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        var q = new QueryString().Add("text", text).Add("enabled", enabled).Add("onlyMyDepartments", onlyMyDepartments ? "true" : null).AddPage(page);
        var answer = await _client.GetAsync(Path + q, LivechatJsonContext.Default.DepartmentsAnswer, cancellationToken).ConfigureAwait(false);
        return new Page<Department>(answer.Departments, answer.Count, answer.Offset, answer.Total);
    }

    /// <summary>The department and its agents, or <c>null</c> when unknown.</summary>
    public async Task<DepartmentWithAgents?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var answer = await _client.GetAsync($"{Path}/{Uri.EscapeDataString(id)}", LivechatJsonContext.Default.DepartmentAnswer, cancellationToken)
            .ConfigureAwait(false);
        return answer.Department is null ? null : new DepartmentWithAgents(answer.Department, answer.Agents ?? []);
    }

    public async Task<DepartmentWithAgents> CreateAsync(DepartmentData department, IReadOnlyList<DepartmentAgentEntry>? agents = null,
        CancellationToken cancellationToken = default)
    {
        var answer = await _client.PostAsync(Path, new DepartmentBody(department, agents), LivechatJsonContext.Default.DepartmentBody,
            LivechatJsonContext.Default.DepartmentAnswer, cancellationToken).ConfigureAwait(false);
        return new DepartmentWithAgents(answer.Department!, answer.Agents ?? []);
    }

    /// <summary>Replaces the department's fields; <paramref name="agents"/>, when given, replaces its agents.</summary>
    public async Task<DepartmentWithAgents> UpdateAsync(string id, DepartmentData department, IReadOnlyList<DepartmentAgentEntry>? agents = null,
        CancellationToken cancellationToken = default)
    {
        var answer = await _client.SendAsync(HttpMethod.Put, $"{Path}/{Uri.EscapeDataString(id)}",
            LivechatClient.Json(new DepartmentBody(department, agents), LivechatJsonContext.Default.DepartmentBody),
            LivechatJsonContext.Default.DepartmentAnswer, cancellationToken).ConfigureAwait(false);
        return new DepartmentWithAgents(answer.Department!, answer.Agents ?? []);
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, $"{Path}/{Uri.EscapeDataString(id)}", null, LivechatJsonContext.Default.JsonElement, cancellationToken);

    public async Task<Page<DepartmentAgent>> AgentsAsync(string id, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        var answer = await _client.GetAsync($"{Path}/{Uri.EscapeDataString(id)}/agents" + new QueryString().AddPage(page),
            LivechatJsonContext.Default.DepartmentAgentsAnswer, cancellationToken).ConfigureAwait(false);
        return new Page<DepartmentAgent>(answer.Agents, answer.Count, answer.Offset, answer.Total);
    }

    /// <summary>Adds or updates (<paramref name="upsert"/>) and removes agents of a department.</summary>
    public Task SaveAgentsAsync(string id, IReadOnlyList<DepartmentAgentEntry>? upsert = null, IReadOnlyList<string>? remove = null,
        CancellationToken cancellationToken = default) =>
        _client.PostAsync($"{Path}/{Uri.EscapeDataString(id)}/agents",
            new DepartmentAgentsBody(upsert ?? [], (remove ?? []).Select(a => new AgentIdEntry(a)).ToList()),
            LivechatJsonContext.Default.DepartmentAgentsBody, LivechatJsonContext.Default.JsonElement, cancellationToken);
}

/// <summary>Tags (<c>livechat/tags</c>); rooms store tag names.</summary>
public sealed class TagsClient
{
    readonly LivechatClient _client;

    internal TagsClient(LivechatClient client) => _client = client;

    /// <summary>
    /// The tags the caller may use: with <paramref name="department"/>, that department's tags and the tags of no
    /// department (what the edit form offers); with <paramref name="viewAll"/> (managers), every tag.
    /// </summary>
    public async Task<Page<Tag>> ListAsync(string? text = null, string? department = null, bool viewAll = false, PageRequest? page = null,
        CancellationToken cancellationToken = default)
    {
        var q = new QueryString().Add("text", text ?? "").Add("department", department).Add("viewAll", viewAll ? "true" : null).AddPage(page);
        var answer = await _client.GetAsync("livechat/tags" + q, LivechatJsonContext.Default.TagsAnswer, cancellationToken).ConfigureAwait(false);
        return new Page<Tag>(answer.Tags, answer.Count, answer.Offset, answer.Total);
    }

    public Task<Tag> GetAsync(string id, CancellationToken cancellationToken = default) =>
        _client.GetAsync("livechat/tags/" + Uri.EscapeDataString(id), LivechatJsonContext.Default.Tag, cancellationToken);

    /// <summary>Creates (<paramref name="id"/> null) or replaces a tag.</summary>
    public Task<Tag> SaveAsync(string? id, string name, string? description = null, IReadOnlyList<string>? departments = null,
        CancellationToken cancellationToken = default) =>
        _client.PostAsync("livechat/tags.save", new TagSaveBody(id, new TagData(name, description), departments ?? []),
            LivechatJsonContext.Default.TagSaveBody, LivechatJsonContext.Default.Tag, cancellationToken);

    public Task DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        _client.PostAsync("livechat/tags.delete", new IdBody(id), LivechatJsonContext.Default.IdBody, LivechatJsonContext.Default.JsonElement,
            cancellationToken);
}

/// <summary>The five priorities (renamable, not creatable).</summary>
public sealed class PrioritiesClient
{
    readonly LivechatClient _client;

    internal PrioritiesClient(LivechatClient client) => _client = client;

    /// <summary>The priorities, by default in weight order (Highest first).</summary>
    public async Task<Page<Priority>> ListAsync(string? text = null, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        page ??= new PageRequest(Sort: ("sortItem", 1));
        var answer = await _client.GetAsync("livechat/priorities" + new QueryString().Add("text", text).AddPage(page),
            LivechatJsonContext.Default.PrioritiesAnswer, cancellationToken).ConfigureAwait(false);
        return new Page<Priority>(answer.Priorities, answer.Count, answer.Offset, answer.Total);
    }

    public Task<Priority> GetAsync(string id, CancellationToken cancellationToken = default) =>
        _client.GetAsync("livechat/priorities/" + Uri.EscapeDataString(id), LivechatJsonContext.Default.Priority, cancellationToken);

    public Task RenameAsync(string id, string name, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Put, "livechat/priorities/" + Uri.EscapeDataString(id),
            LivechatClient.Json(new PriorityNameBody(name), LivechatJsonContext.Default.PriorityNameBody), LivechatJsonContext.Default.JsonElement,
            cancellationToken);

    /// <summary>Gives one priority its default name back.</summary>
    public Task ResetAsync(string id, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Put, "livechat/priorities/" + Uri.EscapeDataString(id),
            LivechatClient.Json(new PriorityResetBody(true), LivechatJsonContext.Default.PriorityResetBody), LivechatJsonContext.Default.JsonElement,
            cancellationToken);

    /// <summary>Gives every priority its default name back.</summary>
    public Task ResetAllAsync(CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "livechat/priorities.reset", null, LivechatJsonContext.Default.JsonElement, cancellationToken);
}

/// <summary>SLAs (<c>livechat/sla</c>).</summary>
public sealed class SlasClient
{
    readonly LivechatClient _client;

    internal SlasClient(LivechatClient client) => _client = client;

    public async Task<Page<Sla>> ListAsync(string? text = null, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        var answer = await _client.GetAsync("livechat/sla" + new QueryString().Add("text", text).AddPage(page), LivechatJsonContext.Default.SlasAnswer,
            cancellationToken).ConfigureAwait(false);
        return new Page<Sla>(answer.Sla, answer.Count, answer.Offset, answer.Total);
    }

    public Task<Sla> GetAsync(string id, CancellationToken cancellationToken = default) =>
        _client.GetAsync("livechat/sla/" + Uri.EscapeDataString(id), LivechatJsonContext.Default.Sla, cancellationToken);

    public async Task<Sla> CreateAsync(SlaData sla, CancellationToken cancellationToken = default) =>
        (await _client.PostAsync("livechat/sla", sla, LivechatJsonContext.Default.SlaData, LivechatJsonContext.Default.SlaAnswer, cancellationToken)
            .ConfigureAwait(false)).Sla;

    public async Task<Sla> UpdateAsync(string id, SlaData sla, CancellationToken cancellationToken = default) =>
        (await _client.SendAsync(HttpMethod.Put, "livechat/sla/" + Uri.EscapeDataString(id), LivechatClient.Json(sla, LivechatJsonContext.Default.SlaData),
            LivechatJsonContext.Default.SlaAnswer, cancellationToken).ConfigureAwait(false)).Sla;

    public Task DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, "livechat/sla/" + Uri.EscapeDataString(id), null, LivechatJsonContext.Default.JsonElement, cancellationToken);
}

/// <summary>Custom field definitions (<c>livechat/custom-fields</c>).</summary>
public sealed class CustomFieldsClient
{
    readonly LivechatClient _client;

    internal CustomFieldsClient(LivechatClient client) => _client = client;

    public async Task<Page<CustomField>> ListAsync(string? text = null, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        var answer = await _client.GetAsync("livechat/custom-fields" + new QueryString().Add("text", text).AddPage(page),
            LivechatJsonContext.Default.CustomFieldsAnswer, cancellationToken).ConfigureAwait(false);
        return new Page<CustomField>(answer.CustomFields, answer.Count, answer.Offset, answer.Total);
    }

    /// <summary>Every definition (all pages).</summary>
    public async Task<IReadOnlyList<CustomField>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<CustomField>();
        while (true)
        {
            var page = await ListAsync(page: new PageRequest(Count: 100, Offset: all.Count), cancellationToken: cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Items);
            if (page.Items.Count == 0 || all.Count >= page.Total) return all;
        }
    }

    /// <summary>The definition, or <c>null</c> when unknown.</summary>
    public async Task<CustomField?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await _client.GetAsync("livechat/custom-fields/" + Uri.EscapeDataString(id), LivechatJsonContext.Default.CustomFieldAnswer, cancellationToken)
            .ConfigureAwait(false)).CustomField;

    /// <summary>Creates (<paramref name="id"/> null; the id is <see cref="CustomFieldData.Field"/>) or replaces a definition.</summary>
    public async Task<CustomField> SaveAsync(string? id, CustomFieldData field, CancellationToken cancellationToken = default) =>
        (await _client.PostAsync("livechat/custom-fields.save", new CustomFieldSaveBody(id, field), LivechatJsonContext.Default.CustomFieldSaveBody,
            LivechatJsonContext.Default.CustomFieldAnswer, cancellationToken).ConfigureAwait(false)).CustomField!;

    public Task DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        _client.PostAsync("livechat/custom-fields.delete", new CustomFieldIdBody(id), LivechatJsonContext.Default.CustomFieldIdBody,
            LivechatJsonContext.Default.JsonElement, cancellationToken);
}
