using System.CommandLine;
using System.Globalization;
using Livechat.Server.Data;
using Livechat.Server.Demo;

namespace Livechat.Server.Operations;

/// <summary>
/// The command line (System.CommandLine): no command serves HTTP as always, with every argument passed to the host
/// (<c>--urls …</c>, <c>--Key=value</c>); <c>seed</c>, <c>migrate</c>, <c>admin reset-password</c> and <c>backup</c>
/// run on the same host, built but not started (configuration from <c>appsettings.json</c> and environment
/// variables), and exit. <c>--help</c>, <c>--version</c> and bad arguments are answered before any host is built.
/// Exit codes: 0 done, 1 failed or refused (a message on stderr), 2 <c>backup</c> on PostgreSQL (use <c>pg_dump</c>).
/// </summary>
public sealed class Commands
{
    readonly ParseResult _parse;
    WebApplication? _app;

    Commands(ParseResult parse, string[] hostArgs)
    {
        _parse = parse;
        HostArgs = hostArgs;
    }

    /// <summary>The host's arguments: all of them for the server, none for a command.</summary>
    public string[] HostArgs { get; }

    /// <summary>Set when the command line was answered without a host: help, version, or a bad argument (printed).</summary>
    public int? ExitCode { get; private set; }

    WebApplication App => _app ?? throw new InvalidOperationException("The host is not built yet.");

    public static Commands Parse(string[] args)
    {
        var root = new RootCommand("Livechat: a Rocket.Chat-compatible Omnichannel Livechat server. Without a command it serves HTTP "
            + "(configuration: appsettings.json, environment variables, --Key=value arguments; see docs/operations.md).")
        {
            // The server's own arguments (--urls …, --Key=value) are configuration, not errors.
            TreatUnmatchedTokensAsErrors = false,
        };
        Commands? commands = null;
        root.SetAction((_, _) => commands!.ServeAsync());
        root.Subcommands.Add(SeedCommand(() => commands!));
        root.Subcommands.Add(MigrateCommand(() => commands!));
        root.Subcommands.Add(AdminCommand(() => commands!));
        root.Subcommands.Add(BackupCommand(() => commands!));
        // No response files: an argument starting with @ is a value.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        commands = new Commands(parse, parse.CommandResult.Command == root ? args : []);
        if (parse.Errors.Count > 0 || parse.Action != parse.CommandResult.Command.Action)
        {
            commands.ExitCode = parse.Invoke();
        }
        return commands;
    }

    /// <summary>Runs the server or the command on <paramref name="app"/>; a configuration error prints one line per wrong key.</summary>
    public async Task<int> RunAsync(WebApplication app)
    {
        _app = app;
        try
        {
            // Ctrl+C and SIGTERM are left to the host's graceful shutdown, not System.CommandLine's forced one.
            return await _parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (LivechatOptions.ConfigurationErrors(e) is { } errors)
        {
            foreach (var error in errors) await Console.Error.WriteLineAsync($"Configuration error: {error}");
            return 1;
        }
    }

    async Task<int> ServeAsync()
    {
        LivechatOptions.Validate(App.Services);  // here rather than in the host's start, so a wrong value prints one line
        await App.RunAsync();
        return 0;
    }

    /// <summary>For a command: options checked, migrations applied and a first start's data seeded.</summary>
    async Task<WebApplication> PrepareAsync(CancellationToken ct)
    {
        LivechatOptions.Validate(App.Services);
        foreach (var startup in App.Services.GetServices<IHostedService>().OfType<Seeding>())
        {
            await startup.StartAsync(ct);
        }
        return App;
    }

    static Command SeedCommand(Func<Commands> commands)
    {
        var rooms = new Option<int>("--rooms")
        {
            Description = "How many rooms (one visitor each; every tenth open and served)",
            DefaultValueFactory = _ => 10_000,
        };
        rooms.Validators.Add(r =>
        {
            // A value that is no number at all already has System.CommandLine's own error.
            if (r.Tokens is [{ Value: var text }] && int.TryParse(text, CultureInfo.InvariantCulture, out var n) && n is < 1 or > 100_000_000)
            {
                r.AddError("--rooms must be between 1 and 100000000.");
            }
        });
        var seed = new Command("seed", "Fill a fresh database with demo agents, departments, tags and N rooms with messages, then exit") { rooms };
        seed.SetAction(async (parse, ct) => await DemoSeed.RunAsync(await commands().PrepareAsync(ct), parse.GetValue(rooms)));
        return seed;
    }

    static Command MigrateCommand(Func<Commands> commands)
    {
        var migrate = new Command("migrate", "Apply the database migrations (and a first start's roles, settings and admin), then exit; "
            + "run it once before starting several processes");
        migrate.SetAction(async (_, ct) =>
        {
            var app = await commands().PrepareAsync(ct);
            Console.WriteLine($"The database is migrated ({await DatabaseMaintenance.LatestMigrationAsync(app.Services, ct)}).");
            return 0;
        });
        return migrate;
    }

    static Command AdminCommand(Func<Commands> commands)
    {
        var user = new Argument<string>("user") { Description = "The username (or user id) whose password is reset" };
        var password = new Option<string?>("--password")
        {
            Description = "The new password; without it a random one is generated and printed once",
        };
        var reset = new Command("reset-password", "Set a user's password and end the user's login sessions (personal access tokens stay)")
        {
            user, password,
        };
        reset.SetAction(async (parse, ct) => await DatabaseMaintenance.ResetPasswordAsync(
            (await commands().PrepareAsync(ct)).Services, parse.GetValue(user)!, parse.GetValue(password), ct));
        return new Command("admin", "Administration tasks") { reset };
    }

    static Command BackupCommand(Func<Commands> commands)
    {
        var file = new Argument<FileInfo>("file") { Description = "Where to write the copy (must not exist yet)" };
        var backup = new Command("backup", "SQLite: write a consistent copy of the database while the server keeps running. "
            + "PostgreSQL: print how to use pg_dump and exit with 2") { file };
        backup.SetAction(async (parse, ct) =>
        {
            var app = commands().App;
            LivechatOptions.Validate(app.Services);
            return await DatabaseMaintenance.BackupAsync(app.Configuration, parse.GetValue(file)!, ct);
        });
        return backup;
    }
}
