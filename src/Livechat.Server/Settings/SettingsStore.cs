using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Settings;

/// <summary>
/// Settings read through an in-memory snapshot. A write through <see cref="SetAsync"/> updates the snapshot at once;
/// the snapshot is also reloaded from the database every few seconds so that other server processes' writes arrive.
/// </summary>
public sealed class SettingsStore(IServiceScopeFactory scopes, TimeProvider time)
{
    static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    volatile Snapshot? _snapshot;

    sealed record Snapshot(FrozenDictionary<string, JsonNode?> Values, DateTimeOffset LoadedAt);

    public async ValueTask<JsonNode?> GetAsync(string id, CancellationToken ct = default)
    {
        var snapshot = await CurrentAsync(ct);
        return snapshot.Values.TryGetValue(id, out var value) ? value : null;
    }

    public async ValueTask<bool> GetBoolAsync(string id, CancellationToken ct = default) =>
        (await GetAsync(id, ct))?.GetValue<bool>() ?? false;

    public async ValueTask<int> GetIntAsync(string id, CancellationToken ct = default) =>
        (int)((await GetAsync(id, ct))?.GetValue<double>() ?? 0);

    public async ValueTask<double> GetNumberAsync(string id, CancellationToken ct = default) =>
        (await GetAsync(id, ct))?.GetValue<double>() ?? 0;

    public async ValueTask<string> GetStringAsync(string id, CancellationToken ct = default) =>
        (await GetAsync(id, ct))?.GetValue<string>() ?? "";

    /// <summary>
    /// A boolean from the snapshot in hand, whatever its age (loaded when there is none): for checks late in a request
    /// that already read the settings, such as the lifecycle webhooks' in the message hot path, so that a request slowed
    /// past <see cref="MaxAge"/> does not reload them in the middle of its write. A change made through this process
    /// drops the snapshot (<see cref="Invalidate"/>), so it applies at once here as with <see cref="GetBoolAsync"/>.
    /// </summary>
    public async ValueTask<bool> GetBoolInHandAsync(string id, CancellationToken ct = default)
    {
        var snapshot = _snapshot ?? await CurrentAsync(ct);
        return snapshot.Values.TryGetValue(id, out var value) && value?.GetValue<bool>() == true;
    }

    /// <summary>Writes a value that <see cref="SettingDefinition.Accepts"/> has checked, and publishes it at once.</summary>
    public async Task SetAsync(LivechatDb db, string id, JsonNode? value, CancellationToken ct = default)
    {
        var json = value?.ToJsonString() ?? "null";
        var now = time.UtcNow();
        var updated = await db.Settings.Where(s => s.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Value, json).SetProperty(x => x.UpdatedAt, now), ct);
        if (updated == 0)
        {
            db.Settings.Add(new Setting { Id = id, Value = json, UpdatedAt = now });
            await db.SaveChangesAsync(ct);
        }
        Invalidate();
    }

    /// <summary>Forgets the snapshot, so the next read loads the database's values.</summary>
    public void Invalidate() => _snapshot = null;

    async ValueTask<Snapshot> CurrentAsync(CancellationToken ct)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && time.GetUtcNow() - snapshot.LoadedAt < MaxAge)
        {
            return snapshot;
        }
        // Two requests may reload at the same moment; both load the same rows, so no lock is needed.
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        var rows = await db.Settings.AsNoTracking().ToListAsync(ct);
        // Parsed from text so every value is JsonElement-backed and converts with GetValue<T>.
        var values = SettingDefinitions.All.ToDictionary(d => d.Id, d => JsonNode.Parse(d.Default.ToJsonString()));
        foreach (var row in rows)
        {
            values[row.Id] = JsonNode.Parse(row.Value);
        }
        snapshot = new Snapshot(values.ToFrozenDictionary(), time.GetUtcNow());
        _snapshot = snapshot;
        return snapshot;
    }

    /// <summary>Seeds missing settings with their defaults, then writes the start-up overrides of section "Settings".</summary>
    public static async Task SeedAsync(LivechatDb db, IConfiguration config, DateTime now, CancellationToken ct)
    {
        var existing = await db.Settings.Select(s => s.Id).ToListAsync(ct);
        foreach (var definition in SettingDefinitions.All.Where(d => !existing.Contains(d.Id)))
        {
            db.Settings.Add(new Setting { Id = definition.Id, Value = definition.Default.ToJsonString(), UpdatedAt = now });
        }
        await db.SaveChangesAsync(ct);

        foreach (var (key, text) in config.GetSection("Settings").AsEnumerable(makePathsRelative: true))
        {
            if (text is null || !SettingDefinitions.ById.TryGetValue(key, out var definition)) continue;
            var value = ParseOverride(definition, text)
                ?? throw new InvalidOperationException($"Settings:{key} = '{text}' does not fit the setting's type {definition.Type}.");
            await db.Settings.Where(s => s.Id == key).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Value, value.ToJsonString()).SetProperty(x => x.UpdatedAt, now), ct);
        }
    }

    static JsonNode? ParseOverride(SettingDefinition definition, string text) => definition.Type switch
    {
        SettingType.Boolean when bool.TryParse(text, out var b) => JsonValue.Create(b),
        SettingType.Int when int.TryParse(text, CultureInfo.InvariantCulture, out var i) => JsonValue.Create(i),
        SettingType.Number when double.TryParse(text, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        SettingType.String => JsonValue.Create(text),
        SettingType.Select when definition.Values!.Contains(text) => JsonValue.Create(text),
        _ => null,
    };
}
