using Livechat.Server.Http;

namespace Livechat.Server.Scheduling;

/// <summary>
/// Something the server does when time has passed rather than when a request came: an abandoned chat closed, a
/// business hour opened, an absent agent's chats forwarded. <see cref="TimedActions"/> asks every registered action,
/// every few seconds, to do what is due at <c>now</c>.
/// <para>
/// <b>Exactly once, by construction.</b> An action keeps no timer of its own: it finds what is due in the database
/// (a room whose last agent message is older than the timeout, a business hour whose open state differs from what was
/// last applied…) and acts through a normal, conditional write (a version check, or <c>WHERE</c> the condition still
/// holds), so two processes that find the same due item do it once between them, and a server that was down at the
/// due moment does it at its first pass after starting. Each action is a normal write: change events, audit rows and
/// realtime updates follow from the write path.
/// </para>
/// </summary>
public interface ITimedAction
{
    /// <summary>For logs and metrics, e.g. <c>abandoned-rooms</c>.</summary>
    string Name { get; }

    /// <summary>Does what is due at <paramref name="now"/>, in <paramref name="services"/>' scope; returns how many items it acted on.</summary>
    Task<int> RunDueAsync(IServiceProvider services, DateTime now, CancellationToken ct);
}

/// <summary>
/// Runs every <see cref="ITimedAction"/> once per <c>TimedActions:IntervalSeconds</c> (default 5) on the server's
/// <see cref="TimeProvider"/>, each in a scope of its own; one failing action is logged and retried at the next pass
/// without stopping the others. Tests drive it with <see cref="RunOnceAsync"/> after moving a fake clock.
/// </summary>
public sealed partial class TimedActions(IEnumerable<ITimedAction> actions, IServiceScopeFactory scopes, TimeProvider time,
    IConfiguration config, ILogger<TimedActions> log) : BackgroundService
{
    readonly ITimedAction[] _actions = [.. actions];

    TimeSpan Interval => TimeSpan.FromSeconds(Math.Max(1, config.GetValue("TimedActions:IntervalSeconds", 5)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Interval, time, stoppingToken);
            await RunOnceAsync(stoppingToken);
        }
    }

    /// <summary>One pass over every action at the clock's current time; returns how many items they acted on.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        var done = 0;
        foreach (var action in _actions)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                done += await action.RunDueAsync(scope.ServiceProvider, time.UtcNow(), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(log, e, action.Name);
            }
        }
        return done;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timed action {Action} failed; trying again at the next pass")]
    static partial void LogFailed(ILogger logger, Exception exception, string action);
}

public static class TimedActionsSetup
{
    /// <summary>
    /// The runner, as a singleton tests can reach and as the hosted service. Each feature registers its own
    /// <see cref="ITimedAction"/> in <c>Program.cs</c>, next to this call.
    /// </summary>
    public static IServiceCollection AddTimedActions(this IServiceCollection services)
    {
        services.AddSingleton<TimedActions>();
        services.AddHostedService(sp => sp.GetRequiredService<TimedActions>());
        return services;
    }
}
