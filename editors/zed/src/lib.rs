//! Zed extension: runs `shapecheck lsp` for Python buffers.
//!
//! The executable is taken from `lsp.shapecheck.binary` in Zed's settings when
//! given, else found on the worktree's PATH (so a project virtualenv works).
use zed_extension_api::{self as zed, serde_json, settings::LspSettings, LanguageServerId, Result};

const SERVER: &str = "shapecheck";

struct Shapecheck;

impl zed::Extension for Shapecheck {
    fn new() -> Self {
        Shapecheck
    }

    fn language_server_command(&mut self, _id: &LanguageServerId, worktree: &zed::Worktree) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(SERVER, worktree).ok().and_then(|s| s.binary);
        let configured_path = binary.as_ref().and_then(|b| b.path.clone());
        let args = binary
            .and_then(|b| b.arguments)
            .unwrap_or_else(|| vec!["lsp".to_string()]);
        let command = match configured_path {
            Some(path) => path,
            None => worktree
                .which(SERVER)
                .ok_or_else(|| "shapecheck is not on PATH: `pip install shapecheck` or set lsp.shapecheck.binary.path".to_string())?,
        };
        Ok(zed::Command { command, args, env: worktree.shell_env() })
    }

    fn language_server_initialization_options(
        &mut self,
        _id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(LspSettings::for_worktree(SERVER, worktree).ok().and_then(|s| s.initialization_options))
    }

    fn language_server_workspace_configuration(
        &mut self,
        _id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(LspSettings::for_worktree(SERVER, worktree).ok().and_then(|s| s.settings))
    }
}

zed::register_extension!(Shapecheck);
