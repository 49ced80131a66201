namespace Livechat.Server.Data;

/// <summary>
/// A compiled query (<c>EF.CompileAsyncQuery</c>) for hot reads: no query-cache lookup or parameter extraction per call.
/// EF binds a compiled query to the provider it first runs on, so there is one per provider: a process that serves both
/// (the tests) would otherwise send SQLite's SQL to PostgreSQL.
/// </summary>
public sealed class CompiledQuery<TQuery>(Func<TQuery> compile) where TQuery : Delegate
{
    readonly Lazy<TQuery> _sqlite = new(compile);
    readonly Lazy<TQuery> _postgres = new(compile);

    /// <summary>The query compiled for <paramref name="db"/>'s provider.</summary>
    public TQuery For(LivechatDb db) => (db.IsPostgres ? _postgres : _sqlite).Value;
}
