import './base.css';
import './libs.css';
