using Livechat.Server.Data;
using Livechat.Server.Hosting;
using Livechat.Server.Http;
using Livechat.Server.Widget;
using Microsoft.Extensions.Options;

namespace Livechat.Server.Operations;

/// <summary><c>Database:Provider</c> and <c>ConnectionStrings:Livechat</c>.</summary>
public sealed class DatabaseOptions
{
    public string Provider { get; set; } = "Sqlite";

    /// <summary>From <c>ConnectionStrings:Livechat</c>; SQLite falls back to <see cref="DatabaseSetup.DefaultSqlite"/>.</summary>
    public string? ConnectionString { get; set; }

    public bool IsPostgres => string.Equals(Provider, "Postgres", StringComparison.OrdinalIgnoreCase);

    public static DatabaseOptions From(IConfiguration config)
    {
        var options = new DatabaseOptions();
        config.GetSection("Database").Bind(options);
        options.ConnectionString = config.GetConnectionString("Livechat");
        return options;
    }
}

/// <summary><c>Telemetry:*</c>; the exporters themselves follow the standard <c>OTEL_*</c> variables.</summary>
public sealed class TelemetryOptions
{
    /// <summary>How often the gauges (rooms open and queued, outbox) are counted.</summary>
    public int GaugeIntervalSeconds { get; set; } = 15;
}

/// <summary><c>Health:*</c>: when <c>/health/ready</c> calls the webhook outbox stuck.</summary>
public sealed class HealthOptions
{
    /// <summary>A pending call due longer ago than this means no process is delivering.</summary>
    public int OutboxStuckAfterSeconds { get; set; } = 600;
}

/// <summary>
/// The typed options, bound and validated when the host starts (and by every command before it touches the database):
/// a wrong value stops the process with one line naming its key (<see cref="ConfigurationErrors"/>).
/// </summary>
public static class LivechatOptions
{
    public static IServiceCollection AddLivechatOptions(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<DatabaseOptions>().Configure(o =>
        {
            var read = DatabaseOptions.From(config);
            (o.Provider, o.ConnectionString) = (read.Provider, read.ConnectionString);
        }).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsCheck>();
        services.AddOptions<LimitsOptions>().Bind(config.GetSection("Limits"))
            .Validate(o => o.MaxRequestBodyBytes > 0, "Limits:MaxRequestBodyBytes must be a positive number of bytes").ValidateOnStart();
        // A missing folder is not an error: GET /livechat then says the widget is missing.
        services.AddOptions<WidgetOptions>().Bind(config.GetSection("Widget")).ValidateOnStart();
        services.AddOptions<TelemetryOptions>().Bind(config.GetSection("Telemetry"))
            .Validate(o => o.GaugeIntervalSeconds is >= 1 and <= 3600, "Telemetry:GaugeIntervalSeconds must be between 1 and 3600").ValidateOnStart();
        services.AddOptions<HealthOptions>().Bind(config.GetSection("Health"))
            .Validate(o => o.OutboxStuckAfterSeconds >= 1, "Health:OutboxStuckAfterSeconds must be at least 1").ValidateOnStart();
        services.AddOptions<DocsOptions>().Bind(config.GetSection("Docs")).ValidateOnStart();
        return services;
    }

    /// <summary>Checks every option now (what the host does when it starts); throws <see cref="OptionsValidationException"/>.</summary>
    public static void Validate(IServiceProvider services) => services.GetRequiredService<IStartupValidator>().Validate();

    /// <summary>
    /// The lines to print for a configuration error, or null when <paramref name="e"/> is not one: a failed validation, or
    /// a value the binder could not convert (its message names the key).
    /// </summary>
    public static IReadOnlyList<string>? ConfigurationErrors(Exception e) => e switch
    {
        OptionsValidationException v => v.Failures.ToList(),
        AggregateException a when a.InnerExceptions.All(i => ConfigurationErrors(i) is not null) => a.InnerExceptions.SelectMany(i => ConfigurationErrors(i)!).ToList(),
        InvalidOperationException { Message: var m } when m.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => [m],
        _ when e.InnerException is { } inner => ConfigurationErrors(inner),
        _ => null,
    };
}

sealed class DatabaseOptionsCheck : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions o)
    {
        if (!o.IsPostgres && !string.Equals(o.Provider, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail($"Database:Provider is '{o.Provider}': it must be Sqlite or Postgres");
        }
        return o.IsPostgres && string.IsNullOrWhiteSpace(o.ConnectionString)
            ? ValidateOptionsResult.Fail("ConnectionStrings:Livechat is missing: Database:Provider Postgres needs it (e.g. Host=db;Database=livechat;Username=livechat;Password=…)")
            : ValidateOptionsResult.Success;
    }
}
